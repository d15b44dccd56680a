/**
 * Wall clocks in IANA zones, on the built-in Intl API (Temporal is not in Node 24).
 *
 * The one question Intl answers is "what does the clock in zone Z show at instant T?". Everything
 * else is derived from it: a zone's UTC offset at T, and the reverse question this module exists
 * for, "which instant is wall time W on date D in zone Z?". That reverse mapping is not a function:
 * on a spring-forward day some wall times never happen (a gap), and on a fall-back day some happen
 * twice (an overlap). `resolveWallTime` reports which case it met instead of guessing, and callers
 * choose explicitly what to do with each.
 */
import { dateOfWallEpoch, type LocalDate, wallEpochOf } from './local-date.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Building a DateTimeFormat costs far more than using one; a process meets few zones. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Names only (Europe/Paris, UTC, Etc/GMT+5): Intl also takes offsets like "+01:00", which are not zones. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

/**
 * Names already resolved, as given: every slot list validates its `timeZone`, and building a
 * DateTimeFormat for it cost 0.6 s of the API's 27 s of CPU under load (docs/benchmarks.md).
 * Only zones that exist are kept, and at most this many spellings.
 */
const CANONICAL_NAMES_MAX = 2_000;
const canonicalNames = new Map<string, string>();

/**
 * The zone's IANA name as the runtime's ICU spells it ("europe/paris" → "Europe/Paris"), or undefined
 * when it names no zone this runtime knows.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  if (!ZONE_NAME.test(zone) || zone.length > 64) return undefined;
  const known = canonicalNames.get(zone);
  if (known) return known;
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    if (canonicalNames.size >= CANONICAL_NAMES_MAX) canonicalNames.clear();
    canonicalNames.set(zone, canonical);
    return canonical;
  } catch {
    return undefined;
  }
}

/** The wall clock at an instant as Intl reports it (see wallEpochAt); a formatToParts call, the costly part of slot lists. */
function intlWallEpochAt(zone: string, instantMs: number): number {
  const whole = Math.floor(instantMs / 1_000) * 1_000;
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(whole)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = fields.year!;
  const wall = Date.UTC(year, fields.month! - 1, fields.day!, fields.hour!, fields.minute!, fields.second!);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const fixed = year < 100 ? new Date(wall).setUTCFullYear(year) : wall;
  return fixed + (instantMs - whole);
}

const HOUR_MS = 3_600_000;
/** Hours remembered per zone before the memo starts over (a few months of one zone's hours). */
const STEADY_HOURS_MAX = 10_000;
/**
 * Each zone's offset during UTC hours in which it does not change, by hour number. An hour is
 * remembered only when Intl gives the same offset at its first and its last millisecond, so an
 * hour holding a transition is always asked again (a zone would need two transitions within one
 * hour, back to the same offset, to fool this; the IANA database has none). A slot list asks about
 * the same few hundred hours on every request.
 */
const steadyHours = new Map<string, Map<number, number>>();

/** The zone's offset from UTC at the instant, in milliseconds (Paris in summer: +7,200,000). */
export function offsetAt(zone: string, instantMs: number): number {
  const hour = Math.floor(instantMs / HOUR_MS);
  let hours = steadyHours.get(zone);
  const known = hours?.get(hour);
  if (known !== undefined) return known;
  const offset = intlWallEpochAt(zone, instantMs) - instantMs;
  const hourStart = hour * HOUR_MS;
  if (intlWallEpochAt(zone, hourStart) - hourStart === offset && intlWallEpochAt(zone, hourStart + HOUR_MS - 1) - (hourStart + HOUR_MS - 1) === offset) {
    if (!hours || hours.size >= STEADY_HOURS_MAX) steadyHours.set(zone, (hours = new Map()));
    hours.set(hour, offset);
  }
  return offset;
}

/**
 * The wall clock at an instant, as a "wall epoch": the instant at which a UTC clock would show the
 * same date and time. Its difference from the instant is the zone's offset.
 */
export function wallEpochAt(zone: string, instantMs: number): number {
  return instantMs + offsetAt(zone, instantMs);
}

/** The calendar date the zone's clocks show at the instant. */
export function localDateAt(zone: string, instantMs: number): LocalDate {
  return dateOfWallEpoch(wallEpochAt(zone, instantMs));
}

export type WallTimeResolution =
  /** The wall time happens exactly once. */
  | { kind: 'exact'; instant: number }
  /** The clocks went back over this wall time: it happens twice, `earlier` then `later`. */
  | { kind: 'ambiguous'; earlier: number; later: number }
  /** The clocks jumped over this wall time: it never happens; `transition` is the instant of the jump. */
  | { kind: 'skipped'; transition: number };

/**
 * Which instant(s) wall time `minuteOfDay` on `date` is in `zone`. `minuteOfDay` may reach 1440 (or
 * beyond), meaning the following day's midnight.
 *
 * Every candidate instant is the wall time minus one of the zone's offsets nearby; a candidate is
 * real when the zone has that very offset at it. Offsets are sampled a day either side, which finds
 * both sides of any transition as long as a zone changes its offset at most once in two days —
 * true of every rule in the IANA database since offsets were standardised.
 */
export function resolveWallTime(zone: string, date: LocalDate, minuteOfDay: number): WallTimeResolution {
  const wall = wallEpochOf(date) + minuteOfDay * MINUTE_MS;
  const offsets = new Set([offsetAt(zone, wall - DAY_MS), offsetAt(zone, wall), offsetAt(zone, wall + DAY_MS)]);
  const instants = [...offsets]
    .map((offset) => wall - offset)
    .filter((instant) => offsetAt(zone, instant) === wall - instant)
    .sort((a, b) => a - b);
  if (instants.length === 1) return { kind: 'exact', instant: instants[0]! };
  if (instants.length > 1) return { kind: 'ambiguous', earlier: instants[0]!, later: instants[instants.length - 1]! };
  const sorted = [...offsets].sort((a, b) => a - b);
  return { kind: 'skipped', transition: findTransition(zone, wall - sorted[sorted.length - 1]!, wall - sorted[0]!) };
}

/** The first instant in (before, after] whose offset is the one `after` has; transitions fall on whole seconds. */
function findTransition(zone: string, before: number, after: number): number {
  const target = offsetAt(zone, after);
  let low = Math.floor(before / 1_000);
  let high = Math.ceil(after / 1_000);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(zone, middle * 1_000) === target) high = middle;
    else low = middle;
  }
  return high * 1_000;
}

/**
 * One instant for a wall time, for callers that need one: a wall time that happens twice is taken
 * at its first occurrence; one that never happens is taken as the instant the clocks jumped (so an
 * availability window from 02:30 on a spring-forward night opens when 03:00 begins).
 */
export function firstInstantOf(resolution: WallTimeResolution): number {
  switch (resolution.kind) {
    case 'exact':
      return resolution.instant;
    case 'ambiguous':
      return resolution.earlier;
    case 'skipped':
      return resolution.transition;
  }
}

const pad = (value: number, width = 2) => String(Math.abs(value)).padStart(width, '0');

/** ISO 8601 with the zone's offset at that instant: "2026-03-29T09:00:00+02:00". */
export function formatInZone(zone: string, instantMs: number): string {
  const wall = wallEpochAt(zone, instantMs);
  const offsetMinutes = Math.round((wall - instantMs) / MINUTE_MS);
  const iso = new Date(Math.floor(wall / 1_000) * 1_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${iso}${sign}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
}

/**
 * `resolveWallTime` for many wall times of one date. Most dates have no transition: when the
 * zone's offset is the same a day before the date, in its middle and a day after it, every wall
 * time of the date maps with that one offset and no further Intl call is made. (A zone would need
 * two transitions within three days to fool this; the IANA database has none in modern times.)
 */
export function wallTimeResolver(zone: string, date: LocalDate): (minuteOfDay: number) => WallTimeResolution {
  const midnight = wallEpochOf(date);
  const offset = offsetAt(zone, midnight - DAY_MS);
  if (offsetAt(zone, midnight + DAY_MS / 2) === offset && offsetAt(zone, midnight + 2 * DAY_MS) === offset) {
    return (minuteOfDay) => ({ kind: 'exact', instant: midnight + minuteOfDay * MINUTE_MS - offset });
  }
  return (minuteOfDay) => resolveWallTime(zone, date, minuteOfDay);
}

/**
 * The instants a run of calendar dates covers in a zone: from the first date's first moment to the
 * moment after the last date ends. (Where midnight itself is skipped, the day starts at the jump.)
 */
export function datesToWindow(zone: string, from: LocalDate, to: LocalDate): { from: number; to: number } {
  return {
    from: firstInstantOf(resolveWallTime(zone, from, 0)),
    to: firstInstantOf(resolveWallTime(zone, to, 1_440)),
  };
}
