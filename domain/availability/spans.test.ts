import { describe, expect, it } from 'vitest';
import { coversSpan, mergeSpans, overlapsAny, subtractSpans } from './spans.js';

describe('spans', () => {
  it('merge overlapping and touching spans, dropping empty ones', () => {
    expect(mergeSpans([{ start: 5, end: 7 }, { start: 1, end: 3 }, { start: 3, end: 4 }, { start: 6, end: 9 }, { start: 10, end: 10 }])).toEqual([
      { start: 1, end: 4 },
      { start: 5, end: 9 },
    ]);
  });

  it('subtract cuts holes and trims edges', () => {
    expect(subtractSpans([{ start: 0, end: 10 }], [{ start: 2, end: 3 }, { start: 8, end: 12 }])).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 8 },
    ]);
    expect(subtractSpans([{ start: 0, end: 10 }], [{ start: 0, end: 10 }])).toEqual([]);
  });

  it('cover and overlap treat spans as half-open', () => {
    const spans = [{ start: 0, end: 10 }];
    expect(coversSpan(spans, 0, 10)).toBe(true);
    expect(coversSpan(spans, 5, 11)).toBe(false);
    expect(overlapsAny(spans, 10, 12)).toBe(false);
    expect(overlapsAny(spans, 9, 12)).toBe(true);
  });
});
