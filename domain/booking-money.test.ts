import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterPayout,
  afterRefund,
  afterReversal,
  boundedRefund,
  cancellationRefund,
  EMPTY_LEDGER,
  ledgerViolations,
  type MoneyLedger,
  afterTransfer,
  payoutDue,
  payoutPlan,
  paymentsViolations,
  refundable,
  reversalFor,
  splitRefund,
  splitReversal,
  totalOf,
} from './booking-money.js';
import { CANCELLATION_POLICIES } from './cancellation-policy.js';

const HOUR = 3_600_000;
const start = new Date('2027-03-10T10:00:00Z');

/** One money movement a booking may see, in any order. */
type Move =
  | { kind: 'refund'; amountMinor: number }
  | { kind: 'cancel'; by: 'student' | 'tutor' | 'admin'; hoursBefore: number; policy: (typeof CANCELLATION_POLICIES)[number]; adminAmountMinor?: number }
  | { kind: 'payout' };

const moveArb: fc.Arbitrary<Move> = fc.oneof(
  fc.record({ kind: fc.constant('refund' as const), amountMinor: fc.integer({ min: -100, max: 10_000 }) }),
  fc.record(
    {
      kind: fc.constant('cancel' as const),
      by: fc.constantFrom('student' as const, 'tutor' as const, 'admin' as const),
      hoursBefore: fc.integer({ min: -2, max: 24 * 10 }),
      policy: fc.constantFrom(...CANCELLATION_POLICIES),
      adminAmountMinor: fc.integer({ min: 0, max: 10_000 }),
    },
    { requiredKeys: ['kind', 'by', 'hoursBefore', 'policy'] },
  ),
  fc.record({ kind: fc.constant('payout' as const) }),
);

/** Applies a move the way the booking workflow does: ask how much, then record what moved. */
function apply(ledger: MoneyLedger, move: Move, commissionBps: number): MoneyLedger {
  if (move.kind === 'payout') {
    const due = payoutDue(ledger, commissionBps);
    return due > 0 ? afterPayout(ledger, due, commissionBps) : ledger;
  }
  const amount =
    move.kind === 'refund'
      ? boundedRefund(ledger, move.amountMinor)
      : cancellationRefund(ledger, {
          policy: move.policy,
          cancelledBy: move.by,
          cancelledAt: new Date(start.getTime() - move.hoursBefore * HOUR),
          sessionStart: start,
          ...(move.adminAmountMinor !== undefined ? { adminAmountMinor: move.adminAmountMinor } : {}),
        });
  let next = afterRefund(ledger, amount);
  const reverse = reversalFor(next, amount);
  if (reverse > 0) next = afterReversal(next, reverse);
  return next;
}

describe('booking money', () => {
  it('keeps every invariant for any sequence of refunds, cancellations and payouts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(moveArb, { maxLength: 12 }),
        (priceMinor, commissionBps, moves) => {
          let ledger: MoneyLedger = { ...EMPTY_LEDGER, capturedMinor: priceMinor };
          for (const move of moves) {
            ledger = apply(ledger, move, commissionBps);
            expect(ledgerViolations(ledger, { priceMinor, commissionBps })).toEqual([]);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('applies the policy tier to what remains after an earlier refund (the goodwill-then-cancel case)', () => {
    // 22.50 captured, 5.00 goodwill refund, then the student cancels three days ahead (flexible: 100 %).
    let ledger: MoneyLedger = { ...EMPTY_LEDGER, capturedMinor: 2250 };
    ledger = afterRefund(ledger, boundedRefund(ledger, 500));
    const owed = cancellationRefund(ledger, { policy: 'flexible', cancelledBy: 'student', cancelledAt: new Date(start.getTime() - 72 * HOUR), sessionStart: start });
    expect(owed).toBe(1750);
    expect(refundable(afterRefund(ledger, owed))).toBe(0);
    // Half of what remains, not half of the price, for a late cancellation.
    expect(cancellationRefund(ledger, { policy: 'flexible', cancelledBy: 'student', cancelledAt: new Date(start.getTime() - HOUR), sessionStart: start })).toBe(875);
  });

  it('never refunds more than remains, whoever asks', () => {
    const ledger: MoneyLedger = { ...EMPTY_LEDGER, capturedMinor: 1000, refundedMinor: 900 };
    expect(boundedRefund(ledger, 500)).toBe(100);
    expect(cancellationRefund(ledger, { policy: 'strict', cancelledBy: 'tutor', cancelledAt: start, sessionStart: start })).toBe(100);
    expect(cancellationRefund(ledger, { policy: 'strict', cancelledBy: 'admin', cancelledAt: start, sessionStart: start, adminAmountMinor: 1000 })).toBe(100);
    expect(() => afterRefund(ledger, 101)).toThrow(RangeError);
    expect(boundedRefund(ledger, -5)).toBe(0);
  });

  it('pays the tutor once, and takes back no more than the tutor holds', () => {
    let ledger: MoneyLedger = { ...EMPTY_LEDGER, capturedMinor: 2250 };
    const due = payoutDue(ledger, 1500);
    expect(due).toBe(2250 - 338);
    ledger = afterPayout(ledger, due, 1500);
    expect(payoutDue(ledger, 1500)).toBe(0);
    expect(() => afterPayout(ledger, 1, 1500)).toThrow(RangeError);
    ledger = afterRefund(ledger, 2250);
    expect(reversalFor(ledger, 2250)).toBe(due);
    expect(() => afterReversal(ledger, due + 1)).toThrow(RangeError);
  });

  it('names each broken invariant', () => {
    expect(ledgerViolations({ capturedMinor: 100, refundedMinor: 150, paidOutMinor: 0, reversedMinor: 0 }, { priceMinor: 100, commissionBps: 0 })).toEqual([
      'refunded 150 is more than captured 100',
    ]);
    expect(ledgerViolations({ capturedMinor: 100, refundedMinor: 50, paidOutMinor: 90, reversedMinor: 0 }, { priceMinor: 100, commissionBps: 1000 })[0]).toMatch(/tutor holds 90/);
  });
});

/** A move on a booking paid by several payments: the extra payment of a longer lesson is one. */
type MultiMove = Move | { kind: 'reprice'; differenceMinor: number };

const multiMoveArb: fc.Arbitrary<MultiMove> = fc.oneof(moveArb, fc.record({ kind: fc.constant('reprice' as const), differenceMinor: fc.integer({ min: 1, max: 5_000 }) }));

/** Applies a move the way the workflow does with several payments: amount from the sum, split per payment. */
function applyToPayments(payments: MoneyLedger[], move: MultiMove, commissionBps: number): MoneyLedger[] {
  if (move.kind === 'reprice') return [...payments, { ...EMPTY_LEDGER, capturedMinor: move.differenceMinor }];
  if (move.kind === 'payout') {
    const plan = payoutPlan(payments, commissionBps);
    return payments.map((payment, index) => (plan[index]! > 0 ? afterTransfer(payment, plan[index]!) : payment));
  }
  const total = totalOf(payments);
  const amount =
    move.kind === 'refund'
      ? boundedRefund(total, move.amountMinor)
      : cancellationRefund(total, {
          policy: move.policy,
          cancelledBy: move.by,
          cancelledAt: new Date(start.getTime() - move.hoursBefore * HOUR),
          sessionStart: start,
          ...(move.adminAmountMinor !== undefined ? { adminAmountMinor: move.adminAmountMinor } : {}),
        });
  const refunds = splitRefund(payments, amount);
  expect(refunds.reduce((sum, part) => sum + part, 0)).toBe(amount);
  let next = payments.map((payment, index) => afterRefund(payment, refunds[index]!));
  const reversals = splitReversal(next, reversalFor(totalOf(next), amount));
  next = next.map((payment, index) => (reversals[index]! > 0 ? afterReversal(payment, reversals[index]!) : payment));
  return next;
}

describe('booking money over several payments (a longer reschedule pays the difference)', () => {
  it('keeps every invariant per payment and on the sum, for any sequence, and splits exactly what the sum allows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(multiMoveArb, { maxLength: 14 }),
        (priceMinor, commissionBps, moves) => {
          let payments: MoneyLedger[] = [{ ...EMPTY_LEDGER, capturedMinor: priceMinor }];
          for (const move of moves) {
            // A reprice comes before the lesson, never after its payout.
            if (move.kind === 'reprice' && totalOf(payments).paidOutMinor > 0) continue;
            const before = totalOf(payments);
            payments = applyToPayments(payments, move, commissionBps);
            expect(paymentsViolations(payments, { priceMinor, commissionBps })).toEqual([]);
            // The sum moves exactly as the one-payment rules say.
            if (move.kind === 'payout' && before.paidOutMinor === 0) expect(totalOf(payments).paidOutMinor).toBe(payoutDue(before, commissionBps));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refunds the newest payment first, never one beyond what it has left', () => {
    const payments: MoneyLedger[] = [
      { ...EMPTY_LEDGER, capturedMinor: 5_000 },
      { ...EMPTY_LEDGER, capturedMinor: 2_500, refundedMinor: 500 },
    ];
    expect(splitRefund(payments, 1_500)).toEqual([0, 1_500]);
    expect(splitRefund(payments, 3_000)).toEqual([1_000, 2_000]);
    expect(splitRefund(payments, 99_999)).toEqual([5_000, 2_000]);
  });

  it('pays out one transfer per charge, oldest first, each within what its charge retains; a half-done payout pays only the rest', () => {
    const payments: MoneyLedger[] = [
      { ...EMPTY_LEDGER, capturedMinor: 5_000 },
      { ...EMPTY_LEDGER, capturedMinor: 2_500 },
    ];
    // 7,500 less 15 % = 6,375: the first charge's 5,000, then 1,375 from the second.
    expect(payoutPlan(payments, 1_500)).toEqual([5_000, 1_375]);
    const half = [afterTransfer(payments[0]!, 5_000), payments[1]!];
    expect(payoutPlan(half, 1_500)).toEqual([0, 1_375]);
    expect(payoutPlan([half[0]!, afterTransfer(payments[1]!, 1_375)], 1_500)).toEqual([0, 0]);
    expect(() => afterTransfer(payments[1]!, 2_501)).toThrow(RangeError);
  });

  it('takes a reversal from the newest transfer first, each at most what it holds', () => {
    const payments: MoneyLedger[] = [
      { capturedMinor: 5_000, refundedMinor: 0, paidOutMinor: 5_000, reversedMinor: 0 },
      { capturedMinor: 2_500, refundedMinor: 0, paidOutMinor: 1_375, reversedMinor: 0 },
    ];
    expect(splitReversal(payments, 2_000)).toEqual([625, 1_375]);
  });
});
