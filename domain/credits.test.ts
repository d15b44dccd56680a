import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creditReturnedOnCancel, creditValue, lessonPayout, moneyLeft, packagePrice, packageViolations, unusedRefund } from './credits.js';

const HOUR = 3_600_000;

describe('package money', () => {
  it('prices N lessons less the discount', () => {
    expect(packagePrice({ hourlyRateMinor: 6_000, lengthMinutes: 60, lessons: 10, discountBps: 1_000 })).toBe(54_000);
    expect(packagePrice({ hourlyRateMinor: 6_000, lengthMinutes: 30, lessons: 5, discountBps: 0 })).toBe(15_000);
  });

  it('refunds unused credits pro rata, never beyond what the charge still has', () => {
    const money = { capturedMinor: 10_000, refundedMinor: 0, paidOutMinor: 0 };
    expect(unusedRefund(money, { priceMinor: 10_000, lessons: 3, credits: 2 })).toBe(6_666);
    expect(unusedRefund({ ...money, refundedMinor: 9_000 }, { priceMinor: 10_000, lessons: 3, credits: 2 })).toBe(1_000);
    expect(unusedRefund(money, { priceMinor: 10_000, lessons: 3, credits: 0 })).toBe(0);
  });

  it('returns a credit when the tier refunds at least half, and always for the tutor', () => {
    const sessionStart = new Date(Date.UTC(2030, 0, 10));
    const at = (hoursBefore: number) => new Date(sessionStart.getTime() - hoursBefore * HOUR);
    expect(creditReturnedOnCancel({ policy: 'moderate', cancelledBy: 'student', cancelledAt: at(72), sessionStart })).toBe(true);
    expect(creditReturnedOnCancel({ policy: 'moderate', cancelledBy: 'student', cancelledAt: at(30), sessionStart })).toBe(true);
    expect(creditReturnedOnCancel({ policy: 'moderate', cancelledBy: 'student', cancelledAt: at(2), sessionStart })).toBe(false);
    expect(creditReturnedOnCancel({ policy: 'moderate', cancelledBy: 'tutor', cancelledAt: at(1), sessionStart })).toBe(true);
  });

  it('never moves more than the student paid, whatever the order of payouts and refunds', () => {
    const step = fc.oneof(fc.constant<'lesson'>('lesson'), fc.integer({ min: 1, max: 20 }));
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 100, max: 500_000 }), fc.integer({ min: 0, max: 5_000 }), fc.array(step, { maxLength: 40 }), (lessons, priceMinor, commissionBps, steps) => {
        let money = { capturedMinor: priceMinor, refundedMinor: 0, paidOutMinor: 0 };
        let credits = lessons;
        for (const next of steps) {
          if (next === 'lesson' && credits > 0) {
            credits -= 1;
            money = { ...money, paidOutMinor: money.paidOutMinor + lessonPayout(money, { priceMinor, lessons, commissionBps }) };
          } else if (typeof next === 'number') {
            const refunded = Math.min(next, credits);
            credits -= refunded;
            money = { ...money, refundedMinor: money.refundedMinor + unusedRefund(money, { priceMinor, lessons, credits: refunded }) };
          }
          expect(packageViolations(money, priceMinor)).toEqual([]);
        }
        expect(moneyLeft(money)).toBeGreaterThanOrEqual(0);
        expect(creditValue(priceMinor, lessons) * lessons).toBeLessThanOrEqual(priceMinor);
      }),
    );
  });
});
