import { describe, expect, it } from 'vitest';
import { addDays, datesBetween, daysBetween, isLocalDate, weekdayOf } from './local-date.js';

describe('local dates', () => {
  it('accept real dates only', () => {
    expect(isLocalDate('2026-02-28')).toBe(true);
    expect(isLocalDate('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '26-01-01', '2026-01-01T00:00']) expect(isLocalDate(bad), bad).toBe(false);
  });

  it('count days and weekdays (0 = Sunday)', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(30);
    expect(weekdayOf('2026-03-29')).toBe(0);
    expect(weekdayOf('2026-03-30')).toBe(1);
    expect(datesBetween('2026-12-30', '2027-01-01')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01']);
  });
});
