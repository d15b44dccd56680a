/**
 * Half-open spans [start, end) of numbers, used both for minutes of a day and for epoch
 * milliseconds. Lists returned here are sorted and merged (no two spans overlap or touch).
 */
export interface Span {
  start: number;
  end: number;
}

/** Sorted, with overlapping or touching spans joined; empty spans dropped. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((span) => span.end > span.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ start: span.start, end: span.end });
  }
  return merged;
}

/** What is left of `spans` once every span of `removed` is cut out. */
export function subtractSpans(spans: readonly Span[], removed: readonly Span[]): Span[] {
  let remaining = mergeSpans(spans);
  for (const cut of mergeSpans(removed)) {
    remaining = remaining.flatMap((span) => {
      if (cut.end <= span.start || cut.start >= span.end) return [span];
      const pieces: Span[] = [];
      if (span.start < cut.start) pieces.push({ start: span.start, end: cut.start });
      if (cut.end < span.end) pieces.push({ start: cut.end, end: span.end });
      return pieces;
    });
  }
  return remaining;
}

/** True when one span of the merged list holds all of [start, end). */
export function coversSpan(merged: readonly Span[], start: number, end: number): boolean {
  return merged.some((span) => span.start <= start && end <= span.end);
}

/** True when [start, end) shares any point with a span of the list. */
export function overlapsAny(spans: readonly Span[], start: number, end: number): boolean {
  return spans.some((span) => span.start < end && start < span.end);
}
