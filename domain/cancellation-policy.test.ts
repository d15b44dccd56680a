import { describe, expect, it } from 'vitest';
import { refundForCancellation } from './cancellation-policy.js';

const start = new Date('2026-06-10T12:00:00Z');
const hoursBefore = (hours: number) => new Date(start.getTime() - hours * 3_600_000);

describe('refundForCancellation', () => {
  it('follows the tiers of the moderate policy', () => {
    const refund = (hours: number) =>
      refundForCancellation({ policy: 'moderate', cancelledBy: 'student', capturedMinor: 6_000, cancelledAt: hoursBefore(hours), sessionStart: start });
    expect(refund(72)).toEqual({ percent: 100, amountMinor: 6_000 });
    expect(refund(48)).toEqual({ percent: 100, amountMinor: 6_000 });
    expect(refund(47.9)).toEqual({ percent: 50, amountMinor: 3_000 });
    expect(refund(24)).toEqual({ percent: 50, amountMinor: 3_000 });
    expect(refund(2)).toEqual({ percent: 0, amountMinor: 0 });
  });

  it('is generous under the flexible policy and firm under the strict one', () => {
    const at = hoursBefore(30);
    expect(refundForCancellation({ policy: 'flexible', cancelledBy: 'student', capturedMinor: 1_001, cancelledAt: at, sessionStart: start }).amountMinor).toBe(1_001);
    expect(refundForCancellation({ policy: 'flexible', cancelledBy: 'student', capturedMinor: 1_001, cancelledAt: hoursBefore(1), sessionStart: start }).amountMinor).toBe(500);
    expect(refundForCancellation({ policy: 'strict', cancelledBy: 'student', capturedMinor: 1_000, cancelledAt: at, sessionStart: start }).amountMinor).toBe(0);
    expect(refundForCancellation({ policy: 'strict', cancelledBy: 'student', capturedMinor: 1_000, cancelledAt: hoursBefore(24 * 8), sessionStart: start }).amountMinor).toBe(1_000);
  });

  it('refunds in full when the tutor cancels, however late', () => {
    expect(refundForCancellation({ policy: 'strict', cancelledBy: 'tutor', capturedMinor: 4_200, cancelledAt: hoursBefore(1), sessionStart: start })).toEqual({ percent: 100, amountMinor: 4_200 });
  });
});
