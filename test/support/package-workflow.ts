/**
 * Helpers for package workflow tests: an input on the server's clock and activities that record
 * what the workflow asked for (the real activities run end to end in test/integration/packages).
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { PackageActivities } from '../../activities/package/types.js';
import type { PackageWorkflowInput } from '../../workflows/package/definitions.js';

export const DAY = 86_400_000;

/** 5 lessons of 60 minutes for 25 000 (a credit is worth 5 000), expiring in 180 days. */
export function packageInput(now: number, overrides: Partial<PackageWorkflowInput> = {}): PackageWorkflowInput {
  return {
    packageId: randomUUID(),
    studentId: randomUUID(),
    tutorId: randomUUID(),
    lessons: 5,
    lengthMinutes: 60,
    priceMinor: 25_000,
    currency: 'EUR',
    commissionBps: 1_500,
    paymentMethodId: 'pm_card_visa',
    expiresAt: new Date(now + 180 * DAY).toISOString(),
    reminderOffsetsMs: [30 * DAY, 7 * DAY],
    requestHash: 'hash-1',
    ...overrides,
  };
}

export interface PackageOptions {
  declined?: boolean;
  /** refundPackage refuses this many times (then works: an admin's retry). */
  refuseRefunds?: number;
  /** Credits still unused when takeUnusedCredits runs. */
  unused?: number;
  consumed?: number;
}

export type RecordedPackage = PackageActivities & { calls: { name: string; args: Record<string, unknown> }[]; callsOf(name: keyof PackageActivities): Record<string, unknown>[] };

export function recordingPackageActivities(input: () => PackageWorkflowInput, options: PackageOptions): RecordedPackage {
  const calls: { name: string; args: Record<string, unknown> }[] = [];
  const rec = (name: string, args: unknown) => calls.push({ name, args: args as Record<string, unknown> });
  let refusals = options.refuseRefunds ?? 0;
  const taken = new Map<string, { credits: number; refundMinor: number }>();
  let unused = options.unused ?? input().lessons;
  const activities: PackageActivities = {
    async chargePackage(args) {
      rec('chargePackage', args);
      return options.declined ? { status: 'failed', message: 'Your card was declined.' } : { status: 'succeeded', paymentIntentId: 'pi_1', chargeId: 'ch_1', amountMinor: args.amountMinor };
    },
    async recordPackage(args) {
      rec('recordPackage', args);
    },
    async grantCredits(args) {
      rec('grantCredits', args);
    },
    async takeUnusedCredits(args) {
      rec('takeUnusedCredits', args);
      const earlier = taken.get(args.dedupeKey);
      if (earlier) return earlier;
      const { priceMinor, lessons } = input();
      const result = { credits: unused, refundMinor: Math.min(Math.floor((priceMinor * unused) / lessons), args.moneyLeftMinor) };
      unused = 0;
      taken.set(args.dedupeKey, result);
      return result;
    },
    async returnCredit(args) {
      rec('returnCredit', args);
      return true;
    },
    async consumedLessons(args) {
      rec('consumedLessons', args);
      return options.consumed ?? 0;
    },
    async refundPackage(args) {
      rec('refundPackage', args);
      if (refusals > 0) {
        refusals -= 1;
        throw ApplicationFailure.nonRetryable('Stripe refused the refund (test)', 'TestRefusal');
      }
      return { refundId: `re_${args.step}`, amountMinor: args.amountMinor };
    },
    async packagePayoutAccount(args) {
      rec('packagePayoutAccount', args);
      return { accountId: 'acct_tutor', payoutsEnabled: true };
    },
    async payLesson(args) {
      rec('payLesson', args);
      return { transferId: `tr_${args.bookingId}`, amountMinor: args.amountMinor };
    },
    async notifyPackage(args) {
      rec('notifyPackage', args);
    },
  };
  return Object.assign(activities, { calls, callsOf: (name: keyof PackageActivities) => calls.filter((call) => call.name === name).map((call) => call.args) });
}

