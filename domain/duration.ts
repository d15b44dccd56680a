/**
 * Durations in configuration are written the way people say them ("24h", "90s", "15m", "500ms",
 * "1h30m") and carried as milliseconds, which is what both Node timers and Temporal's
 * `sleep` take.
 */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /(\d+)(ms|s|m|h|d)/g;
const WHOLE = /^(\d+(ms|s|m|h|d))+$/;

export function parseDuration(text: string): number {
  const compact = text.trim();
  if (!WHOLE.test(compact)) {
    throw new Error(`"${text}" is not a duration (examples: 24h, 15m, 90s, 500ms, 1h30m)`);
  }
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return total;
}

export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
