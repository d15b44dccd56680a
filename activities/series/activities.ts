/**
 * The series workflow's activities, built from injected dependencies. A week is booked the one way
 * any lesson is booked (the booking service: slot rules, price, the student's saved card, the
 * booking's own workflow), as the student, with an Idempotency-Key derived from the series and the
 * week: running this twice finds the same booking instead of making a second one.
 */
import { log } from '@temporalio/activity';
import type { BookingRepository } from '../../db/repositories/booking-repository.js';
import type { SeriesRepository } from '../../db/repositories/series-repository.js';
import { AppError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import type { TakenReason } from '../../domain/series.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import type { Notifier } from '../../platform/notifications/notifier.js';
import type { UpdateOutcome } from '../../workflows/booking/client.js';
import { cancelUpdate, type CancelRequest } from '../../workflows/booking/definitions.js';
import { occurrenceKey } from '../../workflows/series/definitions.js';
import type { BookWeekResult, SeriesActivities } from './types.js';

/** The booking service's request, as the series uses it (built by the worker). */
export interface WeekBooker {
  request(
    principal: Principal,
    request: { tutorId: string; start: string; lengthMinutes: number; paymentMethodId: string; offSession?: boolean },
    idempotencyKey: string,
  ): Promise<{ bookingId: string }>;
}

/** The booking workflow client's update, as the series uses it to cancel a week's lesson. */
export interface LessonCanceller {
  update(bookingId: string, update: typeof cancelUpdate, arg: CancelRequest, updateId?: string): Promise<UpdateOutcome>;
}

export interface SeriesActivityDependencies {
  booker: WeekBooker;
  lessons: LessonCanceller;
  series: SeriesRepository;
  bookings: BookingRepository;
  /** In the app and by email, by the student's preferences, in their language and zone. */
  notifier: Pick<Notifier, 'notify'>;
  emails: Pick<EmailSender, 'deliver'>;
}

/** A booking that ended before its lesson holds no time: cancelling it again has nothing left to do. */
const OVER_WITHOUT_LESSON = new Set(['DECLINED', 'EXPIRED', 'CANCELLED', 'PAYMENT_FAILED']);

/** The booking service's refusals, as the reason a week could not be booked; undefined: not a refusal (retry). */
function takenReasonOf(error: AppError): TakenReason | undefined {
  switch (error.kind) {
    case 'conflict':
      return error.extensions?.conflict === 'student_busy' ? 'student_busy' : 'tutor_busy';
    case 'payment_failed':
      return 'payment_failed';
    case 'unprocessable':
      // The card is no longer one of the student's saved cards: as good as declined.
      return error.issues?.some((issue) => issue.path === 'body.paymentMethodId') ? 'payment_failed' : 'unavailable';
    case 'not_found':
    case 'forbidden':
      return 'unavailable';
    default:
      return undefined;
  }
}

export function createSeriesActivities(deps: SeriesActivityDependencies): SeriesActivities {
  return {
    async bookSeriesWeek(input): Promise<BookWeekResult> {
      const principal: Principal = { userId: input.studentId, role: 'student', sessionId: `series:${input.seriesId}` };
      try {
        const { bookingId } = await deps.booker.request(
          principal,
          { tutorId: input.tutorId, start: input.sessionStart, lengthMinutes: input.lengthMinutes, paymentMethodId: input.paymentMethodId, offSession: true },
          occurrenceKey(input.seriesId, input.week),
        );
        log.info('series week booked', { seriesId: input.seriesId, week: input.week, bookingId });
        return { kind: 'booked', bookingId };
      } catch (error) {
        const reason = error instanceof AppError ? takenReasonOf(error) : undefined;
        if (!reason) throw error;
        log.info('series week taken', { seriesId: input.seriesId, week: input.week, reason });
        return { kind: 'taken', reason, detail: (error as AppError).detail };
      }
    },

    async cancelSeriesWeek(input) {
      try {
        await deps.lessons.update(input.bookingId, cancelUpdate, { actor: input.actor, actorId: input.actorId, reason: input.reason }, `series-cancel-${input.bookingId}`);
        return { cancelled: true };
      } catch (error) {
        if (!(error instanceof AppError) || error.kind === 'unavailable') throw error;
        const booking = await deps.bookings.findById(input.bookingId);
        if (booking && OVER_WITHOUT_LESSON.has(booking.status)) return { cancelled: true };
        return { cancelled: false, detail: error.detail };
      }
    },

    async recordSeriesWeek({ seriesId, week, status, bookingId, reason, detail }) {
      await deps.series.recordWeek({ seriesId, week, status, ...(bookingId ? { bookingId } : {}), ...(reason ? { reason } : {}), ...(detail ? { detail } : {}) });
    },

    async recordSeriesStatus({ seriesId, status, reason }) {
      await deps.series.setStatus(seriesId, status, status === 'cancelled' ? { reason: reason ?? '' } : undefined);
    },

    async notifySeriesWeekTaken(input) {
      // Once per week, however often the activity runs (the key dedupes the notification and the email).
      const { emailIds } = await deps.notifier.notify([
        {
          userId: input.studentId,
          kind: 'series.week_taken',
          dedupeKey: `series:${input.seriesId}:week:${input.week}:taken`,
          template: 'series-week-taken',
          params: { seriesId: input.seriesId, week: input.week, sessionStart: input.sessionStart, reason: input.reason, detail: input.detail },
          data: { seriesId: input.seriesId, week: input.week },
        },
      ]);
      try {
        await deps.emails.deliver(emailIds);
      } catch (error) {
        log.warn('email delivery failed; the outbox relay will retry', { error: (error as Error).message });
      }
    },
  };
}
