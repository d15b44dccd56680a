import { describe, expect, it } from 'vitest';
import { overrideProblem } from './date-overrides.js';
import { findRuleProblems, formatClockTime, parseClockTime } from './weekly-rules.js';

describe('clock times', () => {
  it('parses HH:MM, with 24:00 as the end of the day', () => {
    expect(parseClockTime('00:00')).toBe(0);
    expect(parseClockTime('09:30')).toBe(570);
    expect(parseClockTime('23:59')).toBe(1_439);
    expect(parseClockTime('24:00')).toBe(1_440);
    for (const bad of ['9:30', '24:01', '25:00', '12:60', '12:3', 'noon', '']) expect(parseClockTime(bad), bad).toBeNull();
  });

  it('formats minutes back', () => {
    expect(formatClockTime(570)).toBe('09:30');
    expect(formatClockTime(1_440)).toBe('24:00');
  });
});

describe('findRuleProblems', () => {
  it('accepts touching spans and the same hours on different days', () => {
    expect(
      findRuleProblems([
        { weekday: 1, startMinute: 540, endMinute: 720 },
        { weekday: 1, startMinute: 720, endMinute: 900 },
        { weekday: 2, startMinute: 540, endMinute: 720 },
      ]),
    ).toEqual([]);
  });

  it('names each bad rule by its position', () => {
    expect(
      findRuleProblems([
        { weekday: 1, startMinute: 540, endMinute: 720 },
        { weekday: 1, startMinute: 600, endMinute: 660 },
        { weekday: 3, startMinute: 600, endMinute: 600 },
        { weekday: 7, startMinute: 600, endMinute: 660 },
        { weekday: 4, startMinute: 1_440, endMinute: 1_440 },
      ]),
    ).toEqual([
      { index: 1, message: 'overlaps rule 0 (Monday 09:00–12:00)' },
      { index: 2, message: 'end must be after start' },
      { index: 3, message: 'weekday must be 0 (Sunday) to 6 (Saturday)' },
      { index: 4, message: 'start must be 00:00 to 23:59' },
    ]);
  });
});

describe('overrideProblem', () => {
  it('lets a day off be whole, but extra hours need a span', () => {
    expect(overrideProblem({ date: '2026-04-07', kind: 'off', startMinute: null, endMinute: null })).toBeNull();
    expect(overrideProblem({ date: '2026-04-07', kind: 'extra', startMinute: null, endMinute: null })).toMatch(/need a start and an end/);
    expect(overrideProblem({ date: '2026-04-07', kind: 'off', startMinute: 600, endMinute: null })).toMatch(/both/);
    expect(overrideProblem({ date: '2026-04-07', kind: 'extra', startMinute: 600, endMinute: 540 })).toBe('end must be after start');
  });
});
