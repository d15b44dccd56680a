import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { OFF_SESSION_AUTHORIZATION_WINDOW_MS, weeklyStarts } from './series.js';

describe('weeklyStarts', () => {
  it('keeps the wall time in the tutor’s zone across a daylight-saving change', () => {
    // 17:00 in Berlin on Tuesday 20 October 2026 (CEST, UTC+2); the clocks go back on 25 October.
    const starts = weeklyStarts(Date.parse('2026-10-20T15:00:00Z'), 3, 'Europe/Berlin');
    expect(starts.map((ms) => new Date(ms).toISOString())).toEqual(['2026-10-20T15:00:00.000Z', '2026-10-27T16:00:00.000Z', '2026-11-03T16:00:00.000Z']);
  });

  it('is exactly a week apart in UTC', () => {
    const starts = weeklyStarts(Date.parse('2026-03-02T09:30:00Z'), 4, 'UTC');
    expect(starts.slice(1).map((ms, index) => ms - starts[index]!)).toEqual([7, 7, 7].map((days) => days * 86_400_000));
  });

  it('takes a wall time the clocks skip as the instant they jump', () => {
    // 02:30 in New York on 1 March 2026; on 8 March 02:00 jumps to 03:00.
    const starts = weeklyStarts(Date.parse('2026-03-01T07:30:00Z'), 2, 'America/New_York');
    expect(new Date(starts[1]!).toISOString()).toBe('2026-03-08T07:00:00.000Z');
  });
});

it('bounds the lead by Visa’s merchant-initiated authorization window (4 days 18 hours)', () => {
  expect(OFF_SESSION_AUTHORIZATION_WINDOW_MS).toBe((4 * 24 + 18) * 3_600_000);
  expect(loadConfig({ SERIES_BOOKING_LEAD: '4d18h' }).series.bookingLeadMs).toBe(OFF_SESSION_AUTHORIZATION_WINDOW_MS);
  expect(() => loadConfig({ SERIES_BOOKING_LEAD: '5d' })).toThrow(/SERIES_BOOKING_LEAD: must be above 0 and at most 4d18h/);
});
