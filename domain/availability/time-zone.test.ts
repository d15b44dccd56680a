import { describe, expect, it } from 'vitest';
import { addDays, datesBetween } from './local-date.js';
import {
  canonicalTimeZone,
  datesToWindow,
  formatInZone,
  localDateAt,
  offsetAt,
  resolveWallTime,
  wallTimeResolver,
} from './time-zone.js';

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('canonicalTimeZone', () => {
  it('accepts IANA names and spells them canonically', () => {
    expect(canonicalTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('America/Argentina/Buenos_Aires')).toMatch(/Buenos_Aires$/);
  });

  it('refuses unknown names, offsets and junk', () => {
    for (const zone of ['Mars/Olympus_Mons', '+01:00', '-0500', '', 'Europe/Paris; drop table', '../etc/passwd']) {
      expect(canonicalTimeZone(zone), zone).toBeUndefined();
    }
  });
});

describe('offsetAt', () => {
  it('knows winter and summer time', () => {
    expect(offsetAt('America/New_York', at('2026-01-15T12:00:00Z'))).toBe(-5 * HOUR);
    expect(offsetAt('America/New_York', at('2026-07-15T12:00:00Z'))).toBe(-4 * HOUR);
    expect(offsetAt('Europe/Berlin', at('2026-01-15T12:00:00Z'))).toBe(1 * HOUR);
    expect(offsetAt('Asia/Kolkata', at('2026-01-15T12:00:00Z'))).toBe(5.5 * HOUR);
  });

  it('changes at the very second of the transition', () => {
    // New York springs forward at 07:00 UTC on 8 March 2026.
    expect(offsetAt('America/New_York', at('2026-03-08T06:59:59Z'))).toBe(-5 * HOUR);
    expect(offsetAt('America/New_York', at('2026-03-08T07:00:00Z'))).toBe(-4 * HOUR);
  });
});

describe('resolveWallTime', () => {
  it('maps an ordinary wall time to its one instant', () => {
    expect(resolveWallTime('Europe/Berlin', '2026-03-28', 9 * 60)).toEqual({ kind: 'exact', instant: at('2026-03-28T08:00:00Z') });
    expect(resolveWallTime('Europe/Berlin', '2026-03-29', 9 * 60)).toEqual({ kind: 'exact', instant: at('2026-03-29T07:00:00Z') });
  });

  it('reports a wall time the spring-forward jump skips, with the instant of the jump', () => {
    expect(resolveWallTime('America/New_York', '2026-03-08', 2 * 60 + 30)).toEqual({
      kind: 'skipped',
      transition: at('2026-03-08T07:00:00Z'),
    });
    expect(resolveWallTime('Europe/Berlin', '2026-03-29', 2 * 60)).toEqual({ kind: 'skipped', transition: at('2026-03-29T01:00:00Z') });
  });

  it('reports both occurrences of a wall time the fall-back repeats', () => {
    expect(resolveWallTime('America/New_York', '2026-11-01', 60 + 30)).toEqual({
      kind: 'ambiguous',
      earlier: at('2026-11-01T05:30:00Z'),
      later: at('2026-11-01T06:30:00Z'),
    });
    expect(resolveWallTime('Europe/Berlin', '2026-10-25', 2 * 60 + 30)).toEqual({
      kind: 'ambiguous',
      earlier: at('2026-10-25T00:30:00Z'),
      later: at('2026-10-25T01:30:00Z'),
    });
  });

  it('reads minute 1440 as the next midnight', () => {
    expect(resolveWallTime('Europe/Paris', '2026-06-30', 1_440)).toEqual(resolveWallTime('Europe/Paris', '2026-07-01', 0));
  });

  it('handles half-hour DST (Lord Howe) and a jump at midnight (Santiago)', () => {
    // Lord Howe moves from +10:30 to +11:00 at 02:00 local on 4 October 2026.
    expect(resolveWallTime('Australia/Lord_Howe', '2026-10-04', 2 * 60 + 10).kind).toBe('skipped');
    // Santiago springs forward at 24:00 on Saturday 5 September 2026: the Sunday has no 00:xx.
    const midnight = resolveWallTime('America/Santiago', '2026-09-06', 0);
    expect(midnight.kind).toBe('skipped');
    expect(formatInZone('America/Santiago', (midnight as { transition: number }).transition)).toBe('2026-09-06T01:00:00-03:00');
  });
});

describe('wallTimeResolver', () => {
  it('agrees with resolveWallTime at every quarter hour, on DST days and ordinary ones', () => {
    const cases: [string, string][] = [
      ['America/New_York', '2026-03-08'],
      ['America/New_York', '2026-11-01'],
      ['Europe/Berlin', '2026-03-29'],
      ['Europe/Berlin', '2026-10-25'],
      ['Australia/Lord_Howe', '2026-04-05'],
      ['Australia/Lord_Howe', '2026-10-04'],
      ['America/Santiago', '2026-09-06'],
      ['Pacific/Chatham', '2026-09-27'],
      ['Asia/Kolkata', '2026-03-29'],
    ];
    for (const [zone, day] of cases) {
      for (const date of datesBetween(addDays(day, -1), addDays(day, 1))) {
        const fast = wallTimeResolver(zone, date);
        for (let minute = 0; minute <= 1_440; minute += 15) {
          expect(fast(minute), `${zone} ${date} ${minute}`).toEqual(resolveWallTime(zone, date, minute));
        }
      }
    }
  });
});

describe('formatInZone and localDateAt', () => {
  it('writes the wall time with the offset in force', () => {
    expect(formatInZone('Europe/Paris', at('2026-03-29T07:00:00Z'))).toBe('2026-03-29T09:00:00+02:00');
    expect(formatInZone('America/New_York', at('2026-01-15T17:30:00Z'))).toBe('2026-01-15T12:30:00-05:00');
    expect(formatInZone('Asia/Kolkata', at('2026-01-15T00:00:00Z'))).toBe('2026-01-15T05:30:00+05:30');
    expect(formatInZone('UTC', at('2026-01-15T00:00:00Z'))).toBe('2026-01-15T00:00:00+00:00');
    expect(formatInZone('America/St_Johns', at('2026-01-15T12:00:00Z'))).toBe('2026-01-15T08:30:00-03:30');
  });

  it('names the local date, which may differ from the UTC one', () => {
    expect(localDateAt('Asia/Tokyo', at('2026-03-28T16:00:00Z'))).toBe('2026-03-29');
    expect(localDateAt('America/Los_Angeles', at('2026-03-29T06:00:00Z'))).toBe('2026-03-28');
  });
});

describe('datesToWindow', () => {
  it('covers whole local days, 23 hours on a spring-forward day', () => {
    const window = datesToWindow('Europe/Berlin', '2026-03-29', '2026-03-29');
    expect(window).toEqual({ from: at('2026-03-28T23:00:00Z'), to: at('2026-03-29T22:00:00Z') });
    expect(window.to - window.from).toBe(23 * HOUR);
  });
});
