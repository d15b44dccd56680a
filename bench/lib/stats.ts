/** Percentiles of latency samples (nearest rank). */
export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN, mean };
}

/**
 * The seed's lag for the same deadlines: a scheduler that wakes every `periodMs` at a phase of its
 * own (drawn once, uniformly) moves a booking at the first wake-up after its deadline.
 */
export function pollingLags(deadlinesMs: readonly number[], periodMs: number, phaseMs: number): number[] {
  return deadlinesMs.map((deadline) => {
    const sinceWake = (((deadline - phaseMs) % periodMs) + periodMs) % periodMs;
    return sinceWake === 0 ? 0 : periodMs - sinceWake;
  });
}

/** Least-squares slope of log(y) over log(x): 1 is linear growth, 2 quadratic, ~0 flat. */
export function growthExponent(points: readonly { x: number; y: number }[]): number {
  const usable = points.filter((p) => p.x > 0 && p.y > 0);
  if (usable.length < 2) return Number.NaN;
  const xs = usable.map((p) => Math.log(p.x));
  const ys = usable.map((p) => Math.log(p.y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}
