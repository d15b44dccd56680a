/**
 * The rules of lesson packages (prepaid credits), pure so the package workflow, the services and
 * the tests share them. Amounts are integer minor units.
 *
 * - A package's price: N lessons at the tutor's lesson price, less the offer's discount.
 * - One credit is worth the price / N (rounded down): a consumed lesson pays the tutor that value
 *   less the commission; unused credits go back pro rata (price × unused / N, rounded down). Both
 *   are bounded by what the package's charge still has (captured − refunded − paid out), so the
 *   money moved never exceeds what the student paid, whatever the order of events.
 * - Cancelling a lesson paid with a credit: the credit is returned when the tutor's policy tier
 *   refunds at least half of a lesson (a tutor's or admin's cancellation always returns it);
 *   below that the credit is forfeited and the lesson is paid to the tutor as if delivered.
 * - Expiry (PACKAGE_EXPIRY, 6 months by default): credits still unused are refunded pro rata, not
 *   forfeited: the student was reminded twice and paid for lessons never given. Credits already
 *   booked are not unused: their lessons go on and are paid out as usual.
 */
import { type CancelledBy, type CancellationPolicy, refundForCancellation } from './cancellation-policy.js';
import { commissionOf, lessonPrice } from './money.js';

/**
 * Names kept in workflow histories that two workflows share: the booking workflow of a lesson paid
 * with a credit signals the package's workflow by these. Defined once, never renamed.
 */
export const packageWorkflowId = (packageId: string): string => `package-${packageId}`;
export const LESSON_SETTLED_SIGNAL = 'lessonSettled';

/**
 * A lesson paid with one of the package's credits is over: delivered (or forfeited by a late
 * cancellation: the tutor is paid), or cancelled early enough that the credit comes back.
 */
export interface LessonSettled {
  bookingId: string;
  outcome: 'delivered' | 'forfeited' | 'returned';
}

export const CREDIT_ENTRY_KINDS = ['purchase', 'consume', 'return', 'expire', 'refund'] as const;
export type CreditEntryKind = (typeof CREDIT_ENTRY_KINDS)[number];

export const PACKAGE_STATUSES = ['pending', 'active', 'payment_failed', 'expired', 'refunded'] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

/** The money of one package as its workflow keeps it. */
export interface PackageMoney {
  capturedMinor: number;
  refundedMinor: number;
  paidOutMinor: number;
}

export const EMPTY_PACKAGE_MONEY: PackageMoney = Object.freeze({ capturedMinor: 0, refundedMinor: 0, paidOutMinor: 0 });

/** What a package of `lessons` lessons costs at the tutor's rate, less `discountBps`. */
export function packagePrice(args: { hourlyRateMinor: number; lengthMinutes: number; lessons: number; discountBps: number }): number {
  const full = lessonPrice(args.hourlyRateMinor, args.lengthMinutes) * args.lessons;
  return full - Math.floor((full * args.discountBps) / 10_000);
}

/** What one credit of the package is worth. */
export function creditValue(priceMinor: number, lessons: number): number {
  return Math.floor(priceMinor / lessons);
}

/** What the package's charge still has: captured, less refunds and payouts. */
export function moneyLeft(money: PackageMoney): number {
  return Math.max(0, money.capturedMinor - money.refundedMinor - money.paidOutMinor);
}

/** The pro rata refund of `credits` unused credits, bounded by what the charge still has. */
export function unusedRefund(money: PackageMoney, args: { priceMinor: number; lessons: number; credits: number }): number {
  if (args.credits <= 0) return 0;
  return Math.min(Math.floor((args.priceMinor * args.credits) / args.lessons), moneyLeft(money));
}

/** The tutor's share of one consumed lesson, bounded by what the charge still has. */
export function lessonPayout(money: PackageMoney, args: { priceMinor: number; lessons: number; commissionBps: number }): number {
  const value = creditValue(args.priceMinor, args.lessons);
  return Math.min(value - commissionOf(value, args.commissionBps), moneyLeft(money));
}

/** Whether a cancelled lesson paid with a credit gives the credit back (see the rule above). */
export function creditReturnedOnCancel(args: { policy: CancellationPolicy; cancelledBy: CancelledBy; cancelledAt: Date; sessionStart: Date }): boolean {
  return refundForCancellation({ ...args, capturedMinor: 100 }).percent >= 50;
}

/** The invariants of a package's money, as sentences; empty when all hold. */
export function packageViolations(money: PackageMoney, priceMinor: number): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(money)) {
    if (!Number.isInteger(value) || value < 0) problems.push(`${name} is ${value}, not a non-negative integer`);
  }
  if (money.capturedMinor > priceMinor) problems.push(`captured ${money.capturedMinor} is more than the price ${priceMinor}`);
  if (money.refundedMinor + money.paidOutMinor > money.capturedMinor) {
    problems.push(`refunded ${money.refundedMinor} and paid out ${money.paidOutMinor} are more than captured ${money.capturedMinor}`);
  }
  return problems;
}
