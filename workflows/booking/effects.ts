/**
 * How the booking workflow calls its activities: the failure policy, in one place (README, "Failure
 * policy"). Every activity belongs to one class, and the class decides what a failure means:
 *
 * | class   | activities                                        | transient (network, 5xx, 429, locks) | permanent (refused for good)                    |
 * |---------|---------------------------------------------------|--------------------------------------|-------------------------------------------------|
 * | record  | reserve, transitions, events, payment, meeting…   | retry, backoff capped at 1 min       | attention (read_model_failed), the booking goes on |
 * | money   | authorize, capture, release, refund, payout, reverse | retry, backoff capped at 1 min; heartbeat 15 s | returned to the caller, which decides (money.ts) |
 * | side    | Zoom, Google Calendar, email, availability broadcast | retry, at most 8 attempts; heartbeat 15 s | a timeline event, the booking goes on         |
 *
 * Activities mark a refusal non-retryable (Stripe's invalid request, Zoom's 4xx, an unknown email
 * template, a Postgres integrity error); everything else is transient. So no workflow fails and no
 * activity retries forever on a permanent error.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/common';
import type { BookingActivities } from '../../activities/booking/types.js';

const BACKOFF = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

export const ACTIVITY_CLASSES = {
  record: { startToCloseTimeout: '30 seconds', retry: BACKOFF },
  money: { startToCloseTimeout: '60 seconds', heartbeatTimeout: '15 seconds', retry: BACKOFF },
  side: { startToCloseTimeout: '60 seconds', heartbeatTimeout: '15 seconds', retry: { ...BACKOFF, maximumAttempts: 8 } },
} as const satisfies Record<string, ActivityOptions>;

export type ActivityClass = keyof typeof ACTIVITY_CLASSES;

/** The class of every activity: a new activity without a row here does not compile. */
export const ACTIVITY_CLASS_OF: Record<keyof BookingActivities, ActivityClass> = {
  reserveBooking: 'record',
  recordTransition: 'record',
  recordEvent: 'record',
  recordPayment: 'record',
  recordReschedule: 'record',
  recordMeeting: 'record',
  recordAttention: 'record',
  authorizePayment: 'money',
  capturePayment: 'money',
  releasePayment: 'money',
  refundPayment: 'money',
  getPayoutAccount: 'record',
  payoutTutor: 'money',
  reverseTransfer: 'money',
  publishAvailabilityChanged: 'side',
  createMeeting: 'side',
  updateMeeting: 'side',
  deleteMeeting: 'side',
  syncCalendars: 'side',
  removeCalendarEvents: 'side',
  notify: 'side',
};

const proxies = {
  record: proxyActivities<BookingActivities>(ACTIVITY_CLASSES.record),
  money: proxyActivities<BookingActivities>(ACTIVITY_CLASSES.money),
  side: proxyActivities<BookingActivities>(ACTIVITY_CLASSES.side),
};

type Name = keyof BookingActivities;
type Result<K extends Name> = Awaited<ReturnType<BookingActivities[K]>>;

/** Calls an activity with its class's options and a plain-words summary for the Temporal UI. */
export function call<K extends Name>(name: K, summary: string, ...args: Parameters<BookingActivities[K]>): Promise<Result<K>> {
  const options = ACTIVITY_CLASSES[ACTIVITY_CLASS_OF[name]];
  const activity = proxies[ACTIVITY_CLASS_OF[name]][name] as unknown as {
    executeWithOptions(options: ActivityOptions, args: unknown[]): Promise<Result<K>>;
  };
  return activity.executeWithOptions({ ...options, summary }, args);
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string; type: string | undefined };

/**
 * Calls an activity and returns a permanent failure as a value: a refusal, or a side effect that
 * ran out of attempts. Anything else (the workflow being cancelled, a bug) still throws.
 */
export async function attempt<K extends Name>(name: K, summary: string, ...args: Parameters<BookingActivities[K]>): Promise<Outcome<Result<K>>> {
  try {
    return { ok: true, value: await call(name, summary, ...args) };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const cause = error.cause;
    return { ok: false, message: cause?.message ?? error.message, type: cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined };
  }
}
