import { describe, expect, it } from 'vitest';
import { hitWindow, retryAfterMs, rollWindow, type WindowCounts } from './rate-limit-window.js';

const MINUTE = 60_000;

/** Runs `count` requests at `at` ms and returns the last decision and the counts. */
function hits(count: number, at: number, start: WindowCounts | undefined, limit: number) {
  let counts = start;
  let decision;
  for (let i = 0; i < count; i++) ({ counts, decision } = hitWindow(counts, at, MINUTE, limit));
  return { counts: counts!, decision: decision! };
}

describe('sliding-window rate limit', () => {
  it('allows exactly the limit within one window, then denies without counting the denials', () => {
    const { counts, decision } = hits(5, 10 * MINUTE + 1_000, undefined, 5);
    expect(decision).toMatchObject({ allowed: true, remaining: 0 });
    const sixth = hitWindow(counts, 10 * MINUTE + 2_000, MINUTE, 5);
    expect(sixth.decision.allowed).toBe(false);
    expect(sixth.counts.current).toBe(5);
  });

  it('counts the remaining requests down', () => {
    expect(hits(1, 0, undefined, 5).decision.remaining).toBe(4);
    expect(hits(3, 0, undefined, 5).decision.remaining).toBe(2);
  });

  it('weighs the previous window by how much of it is still within one window length', () => {
    // 10 hits at the very end of window 0; at 25% into window 1, 75% of them still count: 7.5.
    const full = hits(10, MINUTE - 1, undefined, 10).counts;
    const quarter = MINUTE + MINUTE / 4;
    const { counts, decision } = hits(2, quarter, full, 10);
    expect(decision.allowed).toBe(true); // 7.5 + 2 = 9.5 ≤ 10
    expect(hitWindow(counts, quarter, MINUTE, 10).decision.allowed).toBe(false); // 7.5 + 3 > 10
  });

  it('forgets everything older than the previous window', () => {
    const old = hits(10, 0, undefined, 10).counts;
    expect(rollWindow(old, 2)).toEqual({ windowIndex: 2, current: 0, previous: 0 });
    expect(rollWindow(old, 1)).toEqual({ windowIndex: 1, current: 0, previous: 10 });
    expect(hitWindow(old, 2 * MINUTE, MINUTE, 10).decision.allowed).toBe(true);
  });

  it('says to wait until the next window and the weight of this one has shrunk enough', () => {
    // 5 of 5 used 1 s into window 0: the 6th fits once 5 * (1 - e/W) + 1 ≤ 5, i.e. e ≥ W/5 into window 1.
    const counts = { windowIndex: 0, current: 5, previous: 0 };
    expect(retryAfterMs(counts, 1_000, MINUTE, 5)).toBe(MINUTE - 1_000 + MINUTE / 5);
  });

  it('says how long until the previous window weighs little enough, within this window', () => {
    // previous 10, current 0, limit 10, at 10% of the window: 9 + 1 ≤ 10 already fits...
    expect(retryAfterMs({ windowIndex: 1, current: 0, previous: 10 }, MINUTE / 10, MINUTE, 10)).toBe(0);
    // ...with 2 in this window it needs previous weight ≤ 7: (1 - e/W) ≤ 0.7 → e ≥ 0.3 W, i.e. 0.2 W from 0.1 W.
    expect(retryAfterMs({ windowIndex: 1, current: 2, previous: 10 }, MINUTE / 10, MINUTE, 10)).toBe(MINUTE / 5);
  });

  it('allows the request exactly when the retry time has passed', () => {
    const start = 3 * MINUTE + 7_000;
    const { counts } = hits(5, start, undefined, 5);
    const denied = hitWindow(counts, start + 1, MINUTE, 5);
    const wait = denied.decision.retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(hitWindow(counts, start + 1 + wait - 2, MINUTE, 5).decision.allowed).toBe(false);
    expect(hitWindow(counts, start + 1 + wait, MINUTE, 5).decision.allowed).toBe(true);
  });
});
