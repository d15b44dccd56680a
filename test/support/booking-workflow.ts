/**
 * Helpers for workflow tests: booking inputs with short timings, and activities that record what
 * the workflow asked for (the real activities have their own tests against stripe-mock, the fakes
 * and Postgres). Temporal itself is always a real server.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { AuthorizeResult, BookingActivities } from '../../activities/booking/types.js';
import type { BookingTimings } from '../../domain/config.js';
import type { BookingWorkflowInput } from '../../workflows/booking/definitions.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const REAL_TIMINGS: BookingTimings = {
  requestTtlMs: 24 * HOUR,
  paymentActionTimeoutMs: 30 * MINUTE,
  graceMs: 15 * MINUTE,
  reminderOffsetsMs: [24 * HOUR, HOUR],
  payoutHoldMs: 72 * HOUR,
  payoutRecheckMs: HOUR,
  refundWindowMs: 30 * 24 * HOUR,
};

export function bookingInput(now: number, overrides: Partial<BookingWorkflowInput> = {}): BookingWorkflowInput {
  const start = now + 72 * HOUR;
  return {
    bookingId: randomUUID(),
    tutorId: randomUUID(),
    studentId: randomUUID(),
    sessionStart: new Date(start).toISOString(),
    sessionEnd: new Date(start + HOUR).toISOString(),
    timeZone: 'Europe/Paris',
    bufferMinutes: 10,
    priceMinor: 5_000,
    currency: 'EUR',
    commissionBps: 1_500,
    cancellationPolicy: 'moderate',
    instant: false,
    paymentMethodId: 'pm_card_visa',
    requestExpiresAt: new Date(now + 24 * HOUR).toISOString(),
    idempotencyKey: randomUUID(),
    requestHash: 'hash-1',
    timings: REAL_TIMINGS,
    ...overrides,
  };
}

export interface Call {
  name: keyof BookingActivities;
  args: Record<string, unknown>;
}

export interface RecordingOptions {
  reservation?: 'reserved' | 'slot_taken';
  authorization?: AuthorizeResult['status'];
  /** The answer to a longer reschedule's authorization of the difference (a step `reprice-<n>:authorize`). */
  repriceAuthorization?: AuthorizeResult['status'];
  payoutsEnabled?: () => boolean;
  rescheduleResult?: 'moved' | 'slot_taken';
  /**
   * Activities that fail for good (a non-retryable ApplicationFailure, as a refusal by Stripe, Zoom,
   * Brevo or Postgres): 'always', or the first N calls (the later ones succeed, e.g. an admin's retry).
   */
  refuse?: Partial<Record<keyof BookingActivities, 'always' | number>>;
}

export type RecordingActivities = BookingActivities & {
  calls: Call[];
  /** The names called, in order. */
  names(): string[];
  callsOf(name: keyof BookingActivities): Record<string, unknown>[];
};

export function recordingActivities(options: RecordingOptions = {}): RecordingActivities {
  const calls: Call[] = [];
  /** What each difference's PaymentIntent authorized (the lesson's own captures 5,000). */
  const differences = new Map<string, number>();
  const record = (name: keyof BookingActivities, args: unknown) => {
    calls.push({ name, args: args as Record<string, unknown> });
  };
  const activities: BookingActivities = {
    async reserveBooking(input) {
      record('reserveBooking', input);
      return options.reservation ?? 'reserved';
    },
    async recordTransition(input) {
      record('recordTransition', input);
    },
    async recordEvent(input) {
      record('recordEvent', input);
    },
    async recordPayment(input) {
      record('recordPayment', input);
    },
    async recordReschedule(input) {
      record('recordReschedule', input);
      return options.rescheduleResult ?? 'moved';
    },
    async recordMeeting(input) {
      record('recordMeeting', input);
    },
    async recordAttention(input) {
      record('recordAttention', input);
    },
    async recordDispute(input) {
      record('recordDispute', input);
    },
    async publishAvailabilityChanged(input) {
      record('publishAvailabilityChanged', input);
    },
    async authorizePayment(input) {
      record('authorizePayment', input);
      const status = (input.step ? options.repriceAuthorization : options.authorization) ?? 'authorized';
      const paymentIntentId = input.step ? `pi_${input.bookingId.slice(0, 8)}_${input.step}` : `pi_${input.bookingId.slice(0, 8)}`;
      if (input.step) differences.set(paymentIntentId, input.amountMinor);
      return {
        paymentIntentId,
        status,
        ...(status === 'requires_action' ? { clientSecret: 'pi_secret_123' } : {}),
        ...(status === 'failed' ? { failureMessage: 'Your card was declined.' } : {}),
      };
    },
    async capturePayment(input) {
      record('capturePayment', input);
      const difference = differences.get(input.paymentIntentId);
      return difference === undefined ? { chargeId: 'ch_1', amountCapturedMinor: 5_000 } : { chargeId: `ch_${input.step}`, amountCapturedMinor: difference };
    },
    async releasePayment(input) {
      record('releasePayment', input);
    },
    async refundPayment(input) {
      record('refundPayment', input);
      return { refundId: `re_${input.step}`, amountMinor: input.amountMinor };
    },
    async getPayoutAccount(input) {
      record('getPayoutAccount', input);
      return { accountId: 'acct_tutor', payoutsEnabled: options.payoutsEnabled ? options.payoutsEnabled() : true };
    },
    async payoutTutor(input) {
      record('payoutTutor', input);
      return { transferId: input.step ? `tr_${input.step}` : 'tr_1', amountMinor: input.amountMinor };
    },
    async reverseTransfer(input) {
      record('reverseTransfer', input);
    },
    async createMeeting(input) {
      record('createMeeting', input);
      return { meetingId: 'zoom-1', joinUrl: 'https://zoom.example/j/1' };
    },
    async updateMeeting(input) {
      record('updateMeeting', input);
    },
    async deleteMeeting(input) {
      record('deleteMeeting', input);
    },
    async syncCalendars(input) {
      record('syncCalendars', input);
    },
    async removeCalendarEvents(input) {
      record('removeCalendarEvents', input);
    },
    async notify(input) {
      record('notify', input);
    },
  };
  const refusals = new Map(Object.entries(options.refuse ?? {}));
  for (const name of refusals.keys()) {
    const key = name as keyof BookingActivities;
    const real = activities[key] as (input: never) => Promise<unknown>;
    let refused = 0;
    (activities as unknown as Record<string, (input: never) => Promise<unknown>>)[key] = async (input: never) => {
      const rule = refusals.get(key)!;
      if (rule === 'always' || refused < rule) {
        refused += 1;
        record(key, input);
        throw ApplicationFailure.nonRetryable(`${key} refused (test)`, 'TestRefusal');
      }
      return real(input);
    };
  }
  return Object.assign(activities, {
    calls,
    names: () => calls.map((call) => call.name),
    callsOf: (name: keyof BookingActivities) => calls.filter((call) => call.name === name).map((call) => call.args),
  });
}

/** The statuses the workflow wrote to the read model, in order. */
export function transitions(activities: RecordingActivities): string[] {
  return activities.callsOf('recordTransition').map((call) => String(call.to));
}
