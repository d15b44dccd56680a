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
  payoutDue,
  refundable,
  reversalFor,
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
