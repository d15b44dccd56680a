/**
 * Sliding-window counter: time is cut into fixed windows; a client's count is this window's hits
 * plus last window's, weighted by how much of last window still lies within one window length of
 * now. It smooths the burst a plain fixed window allows at its edge (twice the limit in a moment),
 * and needs only two numbers per client. Denied requests are not counted.
 *
 * The Redis script (rate-limit-store.ts) applies the same rule atomically; this file is the
 * reference it follows, and what the in-memory fallback runs.
 */
export interface WindowCounts {
  /** floor(time / windowMs) of the window `current` counts. */
  windowIndex: number;
  current: number;
  previous: number;
}

export interface Decision {
  allowed: boolean;
  limit: number;
  /** Requests left before the limit, after this one. */
  remaining: number;
  /** When denied: how long until one more request would be allowed. */
  retryAfterMs: number;
}

/** Brings stored counts to the window `index`: last window becomes `previous`, older ones drop. */
export function rollWindow(counts: WindowCounts | undefined, index: number): WindowCounts {
  if (!counts || counts.windowIndex < index - 1) return { windowIndex: index, current: 0, previous: 0 };
  if (counts.windowIndex === index - 1) return { windowIndex: index, current: 0, previous: counts.current };
  return counts;
}

export function weightedCount(counts: WindowCounts, elapsedMs: number, windowMs: number): number {
  return (counts.previous * (windowMs - elapsedMs)) / windowMs + counts.current;
}

/** True when one more request fits. The Redis script tests exactly this. */
export function fits(counts: WindowCounts, elapsedMs: number, windowMs: number, limit: number): boolean {
  return weightedCount(counts, elapsedMs, windowMs) + 1 <= limit;
}

/**
 * How long until one more request fits, given counts that include every allowed request so far.
 * Within this window the weight of last window's hits shrinks linearly; when this window alone is
 * full, the wait runs into the next window, where this window's hits become the shrinking ones.
 */
export function retryAfterMs(counts: WindowCounts, elapsedMs: number, windowMs: number, limit: number): number {
  if (fits(counts, elapsedMs, windowMs, limit)) return 0;
  const untilNextWindow = windowMs - elapsedMs;
  if (counts.current + 1 <= limit) {
    // previous * (W - e - t) / W + current + 1 <= limit  ⇔  t >= W - e - (limit - 1 - current) * W / previous
    const wait = untilNextWindow - ((limit - 1 - counts.current) * windowMs) / counts.previous;
    return Math.ceil(Math.max(wait, 1));
  }
  // Next window: current * (W - e') / W + 1 <= limit  ⇔  e' >= W * (1 - (limit - 1) / current)
  const intoNextWindow = windowMs * (1 - (limit - 1) / counts.current);
  return Math.ceil(Math.max(untilNextWindow + intoNextWindow, 1));
}

/** The decision for counts already rolled to now and, if allowed, including this request. */
export function decide(counts: WindowCounts, allowed: boolean, elapsedMs: number, windowMs: number, limit: number): Decision {
  const used = weightedCount(counts, elapsedMs, windowMs);
  return {
    allowed,
    limit,
    remaining: Math.max(0, Math.floor(limit - used)),
    retryAfterMs: allowed ? 0 : retryAfterMs(counts, elapsedMs, windowMs, limit),
  };
}

/** One request at `nowMs` against counts kept in memory; returns the new counts and the decision. */
export function hitWindow(counts: WindowCounts | undefined, nowMs: number, windowMs: number, limit: number): { counts: WindowCounts; decision: Decision } {
  const index = Math.floor(nowMs / windowMs);
  const rolled = rollWindow(counts, index);
  const elapsed = nowMs - index * windowMs;
  const allowed = fits(rolled, elapsed, windowMs, limit);
  const next = allowed ? { ...rolled, current: rolled.current + 1 } : rolled;
  return { counts: next, decision: decide(next, allowed, elapsed, windowMs, limit) };
}
