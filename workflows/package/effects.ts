/**
 * How the package workflow calls its activities: the same failure policy as bookings
 * (workflows/booking/effects.ts). Record activities retry until Postgres takes the write; money
 * activities retry transient failures and hand a refusal back to the caller, which raises
 * attention (never a failed workflow); emails are best effort (a refusal is logged and the
 * package goes on).
 */
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/common';
import type { PackageActivities } from '../../activities/package/types.js';
import { RETRY_BACKOFF } from '../retry-backoff.js';

const CLASSES = {
  record: { startToCloseTimeout: '30 seconds', retry: RETRY_BACKOFF },
  money: { startToCloseTimeout: '60 seconds', heartbeatTimeout: '15 seconds', retry: RETRY_BACKOFF },
  side: { startToCloseTimeout: '60 seconds', retry: { ...RETRY_BACKOFF, maximumAttempts: 8 } },
} as const satisfies Record<string, ActivityOptions>;

/** The class of every activity: a new activity without a row here does not compile. */
const CLASS_OF: Record<keyof PackageActivities, keyof typeof CLASSES> = {
  chargePackage: 'money',
  recordPackage: 'record',
  grantCredits: 'record',
  takeUnusedCredits: 'record',
  returnCredit: 'record',
  consumedLessons: 'record',
  refundPackage: 'money',
  packagePayoutAccount: 'record',
  payLesson: 'money',
  notifyPackage: 'side',
};

const proxies = {
  record: proxyActivities<PackageActivities>(CLASSES.record),
  money: proxyActivities<PackageActivities>(CLASSES.money),
  side: proxyActivities<PackageActivities>(CLASSES.side),
};

type Name = keyof PackageActivities;
type Result<K extends Name> = Awaited<ReturnType<PackageActivities[K]>>;

/** Calls an activity with its class's options and a plain-words summary for the Temporal UI. */
export function call<K extends Name>(name: K, summary: string, ...args: Parameters<PackageActivities[K]>): Promise<Result<K>> {
  const activity = proxies[CLASS_OF[name]][name] as unknown as { executeWithOptions(options: ActivityOptions, args: unknown[]): Promise<Result<K>> };
  return activity.executeWithOptions({ ...CLASSES[CLASS_OF[name]], summary }, args);
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

/** Calls an activity and returns a permanent failure as a value; anything else still throws. */
export async function attempt<K extends Name>(name: K, summary: string, ...args: Parameters<PackageActivities[K]>): Promise<Outcome<Result<K>>> {
  try {
    return { ok: true, value: await call(name, summary, ...args) };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    return { ok: false, message: error.cause?.message ?? error.message };
  }
}
