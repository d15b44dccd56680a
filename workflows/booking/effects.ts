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
import { ActivityFailure, ApplicationFailure, CancelledFailure, proxyActivities, proxyLocalActivities, TemporalFailure } from '@temporalio/workflow';
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/common';
import type { BookingActivities } from '../../activities/booking/types.js';
import { RETRY_BACKOFF } from '../retry-backoff.js';

export const ACTIVITY_CLASSES = {
  record: { startToCloseTimeout: '30 seconds', retry: RETRY_BACKOFF },
  money: { startToCloseTimeout: '60 seconds', heartbeatTimeout: '15 seconds', retry: RETRY_BACKOFF },
  side: { startToCloseTimeout: '60 seconds', heartbeatTimeout: '15 seconds', retry: { ...RETRY_BACKOFF, maximumAttempts: 8 } },
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
  recordDispute: 'record',
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

/**
 * The record class as local activities: run by the worker inside the workflow task that asks for
 * them, without a round trip through the server per call (same timeout and retries). Used until the
 * submit update answers (PATCHES.localSubmitRecords), where the student waits for them, and for the
 * booking's whole life since PATCHES.localRecords.
 */
const localRecord = proxyLocalActivities<BookingActivities>(ACTIVITY_CLASSES.record);

type Name = keyof BookingActivities;
type Result<K extends Name> = Awaited<ReturnType<BookingActivities[K]>>;
/** Which record-class activities may run locally: the read-model writes of the submit path and of every transition. */
export type RecordName = 'reserveBooking' | 'recordTransition' | 'recordEvent' | 'recordPayment' | 'recordMeeting' | 'recordDispute' | 'recordAttention';

/** Calls an activity with its class's options and a plain-words summary for the Temporal UI. */
export function call<K extends Name>(name: K, summary: string, ...args: Parameters<BookingActivities[K]>): Promise<Result<K>> {
  const options = ACTIVITY_CLASSES[ACTIVITY_CLASS_OF[name]];
  const activity = proxies[ACTIVITY_CLASS_OF[name]][name] as unknown as {
    executeWithOptions(options: ActivityOptions, args: unknown[]): Promise<Result<K>>;
  };
  return activity.executeWithOptions({ ...options, summary }, args);
}

/** `call`, as a local activity when `local` holds (a record-class activity only). */
export function callMaybeLocal<K extends RecordName>(local: boolean, name: K, summary: string, ...args: Parameters<BookingActivities[K]>): Promise<Result<K>> {
  if (!local) return call(name, summary, ...args);
  const activity = localRecord[name] as unknown as { executeWithOptions(options: LocalActivityOptions, args: unknown[]): Promise<Result<K>> };
  return activity.executeWithOptions({ ...ACTIVITY_CLASSES.record, summary }, args);
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string; type: string | undefined };

/**
 * Calls an activity and returns a permanent failure as a value: a refusal, or a side effect that
 * ran out of attempts. Anything else (the workflow being cancelled, a bug) still throws.
 */
export function attempt<K extends Name>(name: K, summary: string, ...args: Parameters<BookingActivities[K]>): Promise<Outcome<Result<K>>> {
  return outcomeOf(() => call(name, summary, ...args));
}

/** `attempt`, as a local activity when `local` holds (see callMaybeLocal). */
export function attemptMaybeLocal<K extends RecordName>(local: boolean, name: K, summary: string, ...args: Parameters<BookingActivities[K]>): Promise<Outcome<Result<K>>> {
  return outcomeOf(() => callMaybeLocal(local, name, summary, ...args), local);
}

async function outcomeOf<T>(run: () => Promise<T>, local = false): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    // A local activity's failure arrives unwrapped (no ActivityFailure around it); cancellation still throws.
    if (local && error instanceof TemporalFailure && !(error instanceof CancelledFailure)) {
      return { ok: false, message: error.message, type: error instanceof ApplicationFailure ? (error.type ?? undefined) : undefined };
    }
    if (!(error instanceof ActivityFailure)) throw error;
    const cause = error.cause;
    return { ok: false, message: cause?.message ?? error.message, type: cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined };
  }
}
