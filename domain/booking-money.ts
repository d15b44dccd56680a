/**
 * The money of one booking as a ledger, and the rules every movement obeys. The booking workflow
 * keeps one ledger and asks these functions how much may move; nothing else decides an amount.
 *
 * - Every refund is bounded by what remains: captured − refunded. Policy tiers apply to what
 *   remains, not to the price, so a goodwill refund before a cancellation is never paid twice.
 * - A refund after the payout takes back from the tutor at most what the tutor still holds.
 * - The tutor is paid what the student finally paid minus the commission on it, once.
 * Amounts are integer minor units; no function here returns a negative amount.
 */
import { type CancelledBy, type CancellationPolicy, refundForCancellation } from './cancellation-policy.js';
import { commissionOf, tutorPayout } from './money.js';

export interface MoneyLedger {
  capturedMinor: number;
  refundedMinor: number;
  paidOutMinor: number;
  reversedMinor: number;
}

export const EMPTY_LEDGER: MoneyLedger = Object.freeze({ capturedMinor: 0, refundedMinor: 0, paidOutMinor: 0, reversedMinor: 0 });

/** What can still go back to the student: captured and not yet refunded. */
export function refundable(ledger: MoneyLedger): number {
  return Math.max(0, ledger.capturedMinor - ledger.refundedMinor);
}

/** What the tutor holds of this booking: paid out and not taken back. */
export function heldByTutor(ledger: MoneyLedger): number {
  return Math.max(0, ledger.paidOutMinor - ledger.reversedMinor);
}

/** A requested refund cut to what remains (never negative, never a fraction of a minor unit). */
export function boundedRefund(ledger: MoneyLedger, requestedMinor: number): number {
  if (!Number.isFinite(requestedMinor) || requestedMinor <= 0) return 0;
  return Math.min(Math.floor(requestedMinor), refundable(ledger));
}

/**
 * The refund a cancellation of a captured lesson owes: the policy's tier (or a full refund for a
 * tutor or admin) applied to what remains after earlier refunds. An admin may name the amount,
 * which is still bounded by what remains.
 */
export function cancellationRefund(
  ledger: MoneyLedger,
  args: { policy: CancellationPolicy; cancelledBy: CancelledBy; cancelledAt: Date; sessionStart: Date; adminAmountMinor?: number },
): number {
  if (args.cancelledBy === 'admin' && args.adminAmountMinor !== undefined) return boundedRefund(ledger, args.adminAmountMinor);
  const decision = refundForCancellation({ ...args, capturedMinor: refundable(ledger) });
  return boundedRefund(ledger, decision.amountMinor);
}

/** The ledger after a refund Stripe confirmed; refuses one above what remains (a bug upstream). */
export function afterRefund(ledger: MoneyLedger, amountMinor: number): MoneyLedger {
  if (!Number.isInteger(amountMinor) || amountMinor < 0 || amountMinor > refundable(ledger)) {
    throw new RangeError(`A refund of ${amountMinor} is more than the ${refundable(ledger)} that remains`);
  }
  return { ...ledger, refundedMinor: ledger.refundedMinor + amountMinor };
}

/** How much of the payout to take back when `refundMinor` goes to the student after the payout. */
export function reversalFor(ledger: MoneyLedger, refundMinor: number): number {
  return Math.max(0, Math.min(refundMinor, heldByTutor(ledger)));
}

export function afterReversal(ledger: MoneyLedger, amountMinor: number): MoneyLedger {
  if (!Number.isInteger(amountMinor) || amountMinor < 0 || amountMinor > heldByTutor(ledger)) {
    throw new RangeError(`A reversal of ${amountMinor} is more than the ${heldByTutor(ledger)} the tutor holds`);
  }
  return { ...ledger, reversedMinor: ledger.reversedMinor + amountMinor };
}

/** The tutor's share now: what the student finally paid minus the commission; 0 once paid. */
export function payoutDue(ledger: MoneyLedger, commissionBps: number): number {
  if (ledger.paidOutMinor > 0) return 0;
  return tutorPayout({ capturedMinor: ledger.capturedMinor, refundedMinor: ledger.refundedMinor, commissionBps });
}

export function afterPayout(ledger: MoneyLedger, amountMinor: number, commissionBps: number): MoneyLedger {
  const due = payoutDue(ledger, commissionBps);
  if (!Number.isInteger(amountMinor) || amountMinor <= 0 || amountMinor > due) {
    throw new RangeError(`A payout of ${amountMinor} is not the ${due} due`);
  }
  return { ...ledger, paidOutMinor: amountMinor };
}

/**
 * The invariants of a booking's money, as sentences; empty when all hold. Checked by the property
 * tests here and by the model-based tests after every generated sequence.
 */
export function ledgerViolations(ledger: MoneyLedger, args: { priceMinor: number; commissionBps: number }): string[] {
  const problems: string[] = [];
  const { capturedMinor, refundedMinor, paidOutMinor, reversedMinor } = ledger;
  for (const [name, value] of Object.entries(ledger)) {
    if (!Number.isInteger(value) || value < 0) problems.push(`${name} is ${value}, not a non-negative integer`);
  }
  if (capturedMinor > args.priceMinor) problems.push(`captured ${capturedMinor} is more than the price ${args.priceMinor}`);
  if (refundedMinor > capturedMinor) problems.push(`refunded ${refundedMinor} is more than captured ${capturedMinor}`);
  if (reversedMinor > paidOutMinor) problems.push(`reversed ${reversedMinor} is more than paid out ${paidOutMinor}`);
  const retained = Math.max(0, capturedMinor - refundedMinor);
  const tutorMayHold = retained - commissionOf(retained, args.commissionBps);
  if (paidOutMinor - reversedMinor > tutorMayHold) {
    problems.push(`the tutor holds ${paidOutMinor - reversedMinor}, more than the ${tutorMayHold} of what the student finally paid less commission`);
  }
  return problems;
}

// ---- more than one payment -------------------------------------------------------------------
//
// A booking is paid by its lesson's payment and, for each reschedule to a longer lesson, one more
// payment of the difference (its own PaymentIntent and charge). Each payment keeps its own ledger;
// the booking's ledger is their sum, and every rule above applies to that sum. How an amount the
// sum allows is split across the payments:
// - a refund, newest payment first (the extra time bought last goes back first), each payment
//   giving back at most what it has left (Stripe refuses a refund above a charge's unrefunded amount);
// - the payout, oldest payment first, each transfer bounded by what its charge retains, one
//   transfer per charge (a transfer's source_transaction names ONE charge);
// - a reversal after a refund, newest transfer first, each at most what its transfer still holds.

/** Splits `amountMinor` over capacities in the given order: each part at most its capacity. */
function allocate(capacities: readonly number[], amountMinor: number, order: 'newest' | 'oldest'): number[] {
  const parts = capacities.map(() => 0);
  let left = Math.max(0, Math.floor(amountMinor));
  const indices = capacities.map((_, index) => index);
  if (order === 'newest') indices.reverse();
  for (const index of indices) {
    const share = Math.min(left, Math.max(0, capacities[index]!));
    parts[index] = share;
    left -= share;
  }
  return parts;
}

/** The booking's ledger: the sum of its payments' ledgers. */
export function totalOf(payments: readonly MoneyLedger[]): MoneyLedger {
  return payments.reduce<MoneyLedger>(
    (total, payment) => ({
      capturedMinor: total.capturedMinor + payment.capturedMinor,
      refundedMinor: total.refundedMinor + payment.refundedMinor,
      paidOutMinor: total.paidOutMinor + payment.paidOutMinor,
      reversedMinor: total.reversedMinor + payment.reversedMinor,
    }),
    { ...EMPTY_LEDGER },
  );
}

/** A refund (already bounded on the sum) split over the payments, newest first. */
export function splitRefund(payments: readonly MoneyLedger[], amountMinor: number): number[] {
  return allocate(payments.map(refundable), boundedRefund(totalOf(payments), amountMinor), 'newest');
}

/** A reversal split over the payments' transfers, newest first, each at most what it still holds. */
export function splitReversal(payments: readonly MoneyLedger[], amountMinor: number): number[] {
  return allocate(payments.map(heldByTutor), Math.min(amountMinor, heldByTutor(totalOf(payments))), 'newest');
}

/**
 * The transfers the payout still needs, one per payment, oldest first: the tutor's share of what
 * the student finally paid (payoutDue on the sum), less what earlier transfers already hold, each
 * bounded by what its charge retains. A payment already paid out gets nothing more, so a payout
 * that stopped half-way (Stripe refused the second transfer) pays only the rest when run again.
 */
export function payoutPlan(payments: readonly MoneyLedger[], commissionBps: number): number[] {
  const unpaid = payments.map((payment) => (payment.paidOutMinor > 0 ? 0 : refundable(payment)));
  if (unpaid.every((capacity) => capacity === 0)) return unpaid;
  const total = totalOf(payments);
  const due = tutorPayout({ capturedMinor: total.capturedMinor, refundedMinor: total.refundedMinor, commissionBps }) - heldByTutor(total);
  return allocate(unpaid, due, 'oldest');
}

/** One payment's ledger after its transfer; refuses one beyond what its charge retains. */
export function afterTransfer(payment: MoneyLedger, amountMinor: number): MoneyLedger {
  if (!Number.isInteger(amountMinor) || amountMinor <= 0 || payment.paidOutMinor > 0 || amountMinor > refundable(payment)) {
    throw new RangeError(`A transfer of ${amountMinor} from a payment retaining ${refundable(payment)} (paid out ${payment.paidOutMinor})`);
  }
  return { ...payment, paidOutMinor: amountMinor };
}

/**
 * The invariants of each payment, then of their sum (ledgerViolations); empty when all hold.
 * `priceMinor` is the lesson's price at booking, which bounds the first payment; a later payment
 * of a difference is bounded by its own authorization (Stripe refuses a capture above it).
 */
export function paymentsViolations(payments: readonly MoneyLedger[], args: { priceMinor: number; commissionBps: number }): string[] {
  const problems = payments.flatMap((payment, index) => {
    const own: string[] = [];
    if (payment.refundedMinor > payment.capturedMinor) own.push(`payment ${index}: refunded ${payment.refundedMinor} is more than its captured ${payment.capturedMinor}`);
    if (payment.paidOutMinor > payment.capturedMinor) own.push(`payment ${index}: transferred ${payment.paidOutMinor} is more than its charge ${payment.capturedMinor}`);
    if (payment.reversedMinor > payment.paidOutMinor) own.push(`payment ${index}: reversed ${payment.reversedMinor} is more than its transfer ${payment.paidOutMinor}`);
    return own;
  });
  const differences = payments.slice(1).reduce((sum, payment) => sum + payment.capturedMinor, 0);
  return [...problems, ...ledgerViolations(totalOf(payments), { ...args, priceMinor: args.priceMinor + differences })];
}
