/**
 * How much of a lesson's price goes back to the student when a scheduled lesson is cancelled.
 * Tiers by notice (time left before the start when the cancellation lands); a tutor's cancellation
 * or a tutor's no-show always refunds in full, whatever the policy.
 */
export const CANCELLATION_POLICIES = ['flexible', 'moderate', 'strict'] as const;
export type CancellationPolicy = (typeof CANCELLATION_POLICIES)[number];

const HOUR = 3_600_000;

/** Each policy's tiers, from the longest notice down: at least `noticeMs` before the start refunds `percent`. */
export const REFUND_TIERS: Record<CancellationPolicy, readonly { noticeMs: number; percent: number }[]> = {
  flexible: [
    { noticeMs: 24 * HOUR, percent: 100 },
    { noticeMs: 0, percent: 50 },
  ],
  moderate: [
    { noticeMs: 48 * HOUR, percent: 100 },
    { noticeMs: 24 * HOUR, percent: 50 },
    { noticeMs: 0, percent: 0 },
  ],
  strict: [
    { noticeMs: 7 * 24 * HOUR, percent: 100 },
    { noticeMs: 48 * HOUR, percent: 50 },
    { noticeMs: 0, percent: 0 },
  ],
};

export type CancelledBy = 'student' | 'tutor' | 'admin';

export interface RefundDecision {
  percent: number;
  amountMinor: number;
}

/**
 * The refund owed for a cancellation of a captured lesson. An admin's cancellation refunds in full
 * unless the admin names an amount (handled by the caller).
 */
export function refundForCancellation(args: {
  policy: CancellationPolicy;
  cancelledBy: CancelledBy;
  capturedMinor: number;
  cancelledAt: Date;
  sessionStart: Date;
}): RefundDecision {
  if (args.cancelledBy !== 'student') return { percent: 100, amountMinor: args.capturedMinor };
  const noticeMs = args.sessionStart.getTime() - args.cancelledAt.getTime();
  const tier = REFUND_TIERS[args.policy].find((candidate) => noticeMs >= candidate.noticeMs);
  const percent = tier?.percent ?? 0;
  return { percent, amountMinor: Math.floor((args.capturedMinor * percent) / 100) };
}
