/**
 * Helpers for series workflow tests and recordings: inputs on the server's clock, and activities
 * that book every week (or answer `taken` for the weeks named), recording what the workflow asked
 * for and when. The real activities are tested through the API (test/integration/series/).
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { BookWeekInput, BookWeekResult, SeriesActivities } from '../../activities/series/types.js';
import type { SeriesWorkflowInput } from '../../workflows/series/definitions.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const LEAD = 4 * DAY;

export interface RecordedSeriesCalls {
  booked: { week: number; atMs: number }[];
  cancelled: { bookingId: string; actor: string }[];
  notified: { week: number; reason: string }[];
  statuses: string[];
}

/** Activities that book every week (or answer `taken` for the weeks named), recording when they ran on the server's clock. */
export function recordingSeriesActivities(taken: Record<number, BookWeekResult & { kind: 'taken' }> = {}): { activities: SeriesActivities; recorded: RecordedSeriesCalls } {
  const recorded: RecordedSeriesCalls = { booked: [], cancelled: [], notified: [], statuses: [] };
  const activities: SeriesActivities = {
    async bookSeriesWeek(input: BookWeekInput) {
      recorded.booked.push({ week: input.week, atMs: Context.current().info.scheduledTimestampMs });
      return taken[input.week] ?? { kind: 'booked', bookingId: randomUUID() };
    },
    async cancelSeriesWeek(input) {
      recorded.cancelled.push({ bookingId: input.bookingId, actor: input.actor });
      return { cancelled: true };
    },
    async recordSeriesWeek() {},
    async recordSeriesStatus({ status }) {
      recorded.statuses.push(status);
    },
    async notifySeriesWeekTaken({ week, reason }) {
      recorded.notified.push({ week, reason });
    },
  };
  return { activities, recorded };
}

/** Weekly lessons from `firstInMs` after `nowMs`; `ids` fixes the ids (a recording stays stable). */
export function seriesInput(nowMs: number, firstInMs: number, weeks: number, historyLimit = 5_000, ids: { seriesId?: string; studentId?: string; tutorId?: string } = {}): SeriesWorkflowInput {
  return {
    seriesId: ids.seriesId ?? randomUUID(),
    studentId: ids.studentId ?? randomUUID(),
    tutorId: ids.tutorId ?? randomUUID(),
    lengthMinutes: 60,
    paymentMethodId: 'pm_card_visa',
    timeZone: 'Europe/Berlin',
    weeks: Array.from({ length: weeks }, (_, week) => {
      const start = nowMs + firstInMs + week * 7 * DAY;
      return { week, sessionStart: new Date(start).toISOString(), sessionEnd: new Date(start + HOUR).toISOString(), status: 'upcoming' as const };
    }),
    timings: { leadMs: LEAD, historyLimit },
  };
}
