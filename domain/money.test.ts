import { describe, expect, it } from 'vitest';
import { commissionOf, formatMoney, lessonPrice, tutorPayout } from './money.js';

describe('money', () => {
  it('takes the commission in whole minor units, rounding half up', () => {
    expect(commissionOf(5_000, 1_500)).toBe(750);
    expect(commissionOf(3_333, 1_500)).toBe(500); // 499.95 → 500
    expect(commissionOf(3_330, 1_500)).toBe(500); // 499.5 → 500
    expect(commissionOf(3_329, 1_500)).toBe(499); // 499.35 → 499
    expect(commissionOf(0, 1_500)).toBe(0);
  });

  it('pays the tutor what the student finally paid, minus commission', () => {
    expect(tutorPayout({ capturedMinor: 5_000, refundedMinor: 0, commissionBps: 1_500 })).toBe(4_250);
    expect(tutorPayout({ capturedMinor: 5_000, refundedMinor: 2_500, commissionBps: 1_500 })).toBe(2_125);
    expect(tutorPayout({ capturedMinor: 5_000, refundedMinor: 5_000, commissionBps: 1_500 })).toBe(0);
  });

  it('never pays out more than was kept', () => {
    expect(tutorPayout({ capturedMinor: 1_000, refundedMinor: 1_200, commissionBps: 1_000 })).toBe(0);
  });

  it('prices a lesson from the hourly rate', () => {
    expect(lessonPrice(4_000, 60)).toBe(4_000);
    expect(lessonPrice(4_000, 45)).toBe(3_000);
    expect(lessonPrice(3_999, 30)).toBe(2_000); // 1999.5 → 2000
  });

  it('refuses fractional or negative amounts', () => {
    expect(() => commissionOf(10.5, 1_500)).toThrow(RangeError);
    expect(() => commissionOf(-1, 1_500)).toThrow(RangeError);
    expect(() => commissionOf(100, 10_001)).toThrow(RangeError);
  });
});

describe('formatMoney', () => {
  it('writes the amount in major units with as many decimals as the currency has', () => {
    expect(formatMoney(5_000, 'EUR')).toBe('50.00 EUR');
    expect(formatMoney(4_250, 'USD')).toBe('42.50 USD');
    expect(formatMoney(5_000, 'JPY')).toBe('5000 JPY');
    expect(formatMoney(1_500, 'KWD')).toBe('1.500 KWD');
  });
});
