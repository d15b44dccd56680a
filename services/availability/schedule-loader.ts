/**
 * Loads what the slot rules need about many tutors at once — profile facts, weekly rules,
 * overrides, settings and the time live bookings hold — in one query per table, for a window of
 * instants. Used by the slot list, the booking check and the search's "free between" filter.
 */
import type { AvailabilityRepository } from '../../db/repositories/availability-repository.js';
import type { BookedTimeRepository } from '../../db/repositories/booked-time-repository.js';
import type { TutorScheduling } from '../../db/models/tutor-scheduling.js';
import { addDays, dateOfWallEpoch } from '../../domain/availability/local-date.js';
import { DEFAULT_SCHEDULING, type SchedulingSettings } from '../../domain/availability/scheduling.js';
import type { TimeWindow, TutorSchedule } from '../../domain/availability/slots.js';

const MINUTE_MS = 60_000;
/** Longest buffer plus longest lesson a booking check may look past the window's end. */
const LOOKAHEAD_MS = (240 + 240) * MINUTE_MS;

export interface LoadedSchedule extends TutorSchedule {
  tutorId: string;
  /** Published and not disabled: visible to everyone. */
  listed: boolean;
}

export function settingsOf(row: TutorScheduling | undefined): SchedulingSettings {
  if (!row) return { ...DEFAULT_SCHEDULING };
  return {
    bufferMinutes: row.bufferMinutes,
    minimumNoticeMinutes: row.minimumNoticeMinutes,
    bookingHorizonDays: row.bookingHorizonDays,
    slotStepMinutes: row.slotStepMinutes,
  };
}

export class ScheduleLoader {
  constructor(
    private readonly availability: AvailabilityRepository,
    private readonly booked: BookedTimeRepository,
  ) {}

  /** Schedules of the tutors that have a profile, keyed by tutor id, good for slots starting in `window`. */
  async load(tutorIds: readonly string[], window: TimeWindow): Promise<Map<string, LoadedSchedule>> {
    const facts = await this.availability.schedulingFacts(tutorIds);
    const ids = facts.map((fact) => fact.tutorId);
    // Zones are at most 14 hours from UTC, so the tutors' local dates lie within a day of the UTC ones.
    const firstDate = addDays(dateOfWallEpoch(window.from), -2);
    const lastDate = addDays(dateOfWallEpoch(window.to), 2);
    const [rules, overrides, settings, held] = await Promise.all([
      this.availability.rulesFor(ids),
      this.availability.overridesFor(ids, firstDate, lastDate),
      this.availability.settingsFor(ids),
      this.booked.heldBetween(ids, new Date(window.from), new Date(window.to + LOOKAHEAD_MS)),
    ]);
    const rulesBy = groupByTutor(rules);
    const overridesBy = groupByTutor(overrides);
    const heldBy = groupByTutor(held);
    const settingsBy = new Map(settings.map((row) => [row.tutorId, row]));
    const schedules = new Map<string, LoadedSchedule>();
    for (const fact of facts) {
      schedules.set(fact.tutorId, {
        tutorId: fact.tutorId,
        listed: fact.published && fact.active,
        timeZone: fact.timeZone,
        lessonLengths: fact.lessonLengths,
        settings: settingsOf(settingsBy.get(fact.tutorId)),
        rules: (rulesBy.get(fact.tutorId) ?? []).map((rule) => ({ weekday: rule.weekday, startMinute: rule.startMinute, endMinute: rule.endMinute })),
        overrides: (overridesBy.get(fact.tutorId) ?? []).map((override) => ({
          date: override.localDate,
          kind: override.kind,
          startMinute: override.startMinute,
          endMinute: override.endMinute,
        })),
        booked: (heldBy.get(fact.tutorId) ?? []).map((hold) => ({ start: hold.sessionStart.getTime(), blockedUntil: hold.blockedUntil.getTime() })),
      });
    }
    return schedules;
  }
}

function groupByTutor<T extends { tutorId: string }>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.tutorId);
    if (group) group.push(row);
    else groups.set(row.tutorId, [row]);
  }
  return groups;
}
