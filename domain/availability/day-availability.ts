/**
 * Turns a tutor's week and overrides into time they are available: first as wall-time spans of one
 * local date (minutes from midnight), then as real instants, expanded date by date in the tutor's
 * zone so that "09:00–12:00" is 09:00–12:00 on the clock on both sides of a DST change.
 */
import type { DateOverride } from './date-overrides.js';
import { type LocalDate, weekdayOf } from './local-date.js';
import { mergeSpans, type Span, subtractSpans } from './spans.js';
import { firstInstantOf, wallTimeResolver } from './time-zone.js';
import { MINUTES_PER_DAY, type WeeklyRule } from './weekly-rules.js';

/** The day's available wall time in minutes: (weekly rules ∪ extra hours) − time off. */
export function wallSpansOn(date: LocalDate, rules: readonly WeeklyRule[], overrides: readonly DateOverride[]): Span[] {
  const weekday = weekdayOf(date);
  const ofDay = overrides.filter((override) => override.date === date);
  const open: Span[] = [
    ...rules.filter((rule) => rule.weekday === weekday).map((rule) => ({ start: rule.startMinute, end: rule.endMinute })),
    ...ofDay.filter((override) => override.kind === 'extra').map(spanOf),
  ];
  const off = ofDay.filter((override) => override.kind === 'off').map(spanOf);
  return subtractSpans(open, off);
}

function spanOf(override: DateOverride): Span {
  return { start: override.startMinute ?? 0, end: override.endMinute ?? MINUTES_PER_DAY };
}

/**
 * Available instants over the given dates, merged, so a span that runs to midnight joins the next
 * day's span from midnight. Span edges that fall in a DST gap move to the jump; edges that fall in
 * an overlap take the first occurrence.
 */
export function instantSpansOn(
  zone: string,
  dates: readonly LocalDate[],
  rules: readonly WeeklyRule[],
  overrides: readonly DateOverride[],
): Span[] {
  return mergeSpans(
    dates.flatMap((date) => {
      const resolve = wallTimeResolver(zone, date);
      return wallSpansOn(date, rules, overrides).map((span) => ({
        start: firstInstantOf(resolve(span.start)),
        end: firstInstantOf(resolve(span.end)),
      }));
    }),
  );
}
