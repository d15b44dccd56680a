/**
 * Input every boundary (HTTP routes, WebSocket frames) refuses before it reaches the database:
 * text with a NUL character, which PostgreSQL cannot store in text columns (it fails the query, a
 * 500), and instants outside the calendar the product works in (year 0000 and 9999 are valid ISO
 * 8601, but overflow date arithmetic and PostgreSQL's timestamp range on the way).
 */
import { z } from 'zod';

export const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';

export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

/** Paths (a.b.0.c) of every string, or object key, holding NUL in a parsed JSON-like value. */
export function nulPaths(value: unknown, path: string[] = [], found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (hasNul(value)) found.push(path.join('.'));
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => nulPaths(item, [...path, String(index)], found));
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (hasNul(key)) found.push([...path, key.replaceAll('\u0000', '\\u0000')].join('.'));
      nulPaths(inner, [...path, key], found);
    }
  }
  return found;
}

/** The one zod string that refuses NUL; boundaries outside the HTTP routes (ws frames) build on it. */
export const safeText = () => z.string().refine((text) => !hasNul(text), NUL_MESSAGE);

/**
 * The instants the product accepts from clients: lessons, availability and cursors all fall well
 * inside these years, and anything outside is a typo or a probe.
 */
export const EARLIEST_INSTANT = Date.UTC(1970, 0, 1);
export const LATEST_INSTANT = Date.UTC(2200, 0, 1);
export const CALENDAR_MESSAGE = 'must fall between 1970 and 2199';

export function isWithinCalendar(instant: Date | number | string): boolean {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  return Number.isFinite(ms) && ms >= EARLIEST_INSTANT && ms < LATEST_INSTANT;
}
