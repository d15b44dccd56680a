import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads the units people write in configuration', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2d')).toBe(172_800_000);
  });

  it('adds compound durations', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
  });

  it('refuses what is not a duration instead of guessing', () => {
    for (const bad of ['', '10', 'h', '5 minutes', '-1h', '1.5h']) {
      expect(() => parseDuration(bad)).toThrow(/not a duration/);
    }
  });

  it('formats back to the largest whole unit', () => {
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(5_400_000)).toBe('90m');
    expect(formatDuration(1_500)).toBe('1500ms');
  });
});
