/**
 * Bookable lesson start times: the single definition shared by the slot list a student browses,
 * the search's "free between" filter and the check a booking request must pass.
 *
 * A start time is offered when all of these hold:
 * - the lesson length is one the tutor offers;
 * - it lies on the tutor's grid: wall times from the start of each available span of a local date,
 *   `slotStepMinutes` apart. A grid time the clocks skip (spring forward) is not offered; one the
 *   clocks show twice (fall back) is offered once, at its first occurrence;
 * - the whole lesson [start, start + length) is available time (it may run past midnight into the
 *   next day's availability);
 * - it is at least the minimum notice after now, and before now + the booking horizon;
 * - [start, start + length + buffer) overlaps no live booking's [start, blocked_until). A live
 *   booking's blocked_until already carries the buffer after it, so the lesson neither starts in
 *   another lesson's buffer nor leaves less than its own buffer before the next one. This is the
 *   very range the bookings table's exclusion constraint compares.
 */
import type { DateOverride } from './date-overrides.js';
import { instantSpansOn, wallSpansOn } from './day-availability.js';
import { addDays, datesBetween } from './local-date.js';
import type { SchedulingSettings } from './scheduling.js';
import { coversSpan, overlapsAny, type Span } from './spans.js';
import { localDateAt, wallTimeResolver } from './time-zone.js';
import type { WeeklyRule } from './weekly-rules.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Time a live booking holds: from its start until its end plus the buffer it was booked with. */
export interface BookedTime {
  start: number;
  blockedUntil: number;
}

/** Everything the rules need about one tutor; instants are epoch milliseconds. */
export interface TutorSchedule {
  /** IANA zone the weekly rules and overrides are read in. */
  timeZone: string;
  /** Minutes. */
  lessonLengths: readonly number[];
  rules: readonly WeeklyRule[];
  overrides: readonly DateOverride[];
  settings: SchedulingSettings;
  booked: readonly BookedTime[];
}

/** Half-open [from, to) in epoch milliseconds. */
export interface TimeWindow {
  from: number;
  to: number;
}

export type SlotRefusal = 'length_not_offered' | 'too_soon' | 'beyond_horizon' | 'outside_availability' | 'conflict';
export type SlotVerdict = { bookable: true } | { bookable: false; reason: SlotRefusal };

/** Every bookable start time in [window.from, window.to), ascending. */
export function bookableStarts(schedule: TutorSchedule, window: TimeWindow, lengthMinutes: number, nowMs: number): number[] {
  if (!schedule.lessonLengths.includes(lengthMinutes)) return [];
  const starts: number[] = [];
  for (const start of gridStarts(schedule, clampToPolicy(schedule.settings, window, nowMs), lengthMinutes)) {
    if (!clashes(schedule, start, lengthMinutes)) starts.push(start);
  }
  return starts;
}

/** Whether one lesson may be booked, and if not, the first reason it may not. */
export function isSlotBookable(schedule: TutorSchedule, startMs: number, lengthMinutes: number, nowMs: number): SlotVerdict {
  if (!schedule.lessonLengths.includes(lengthMinutes)) return { bookable: false, reason: 'length_not_offered' };
  if (startMs < nowMs + schedule.settings.minimumNoticeMinutes * MINUTE_MS) return { bookable: false, reason: 'too_soon' };
  if (startMs >= horizonEnd(schedule.settings, nowMs)) return { bookable: false, reason: 'beyond_horizon' };
  const onGrid = gridStarts(schedule, { from: startMs, to: startMs + 1 }, lengthMinutes).next();
  if (onGrid.done) return { bookable: false, reason: 'outside_availability' };
  if (clashes(schedule, startMs, lengthMinutes)) return { bookable: false, reason: 'conflict' };
  return { bookable: true };
}

/**
 * Whether at least one lesson of a length the tutor offers fits wholly inside the window. The
 * shortest length decides: wherever a longer lesson fits, the shortest fits at the same start.
 */
export function hasBookableSlot(schedule: TutorSchedule, window: TimeWindow, nowMs: number): boolean {
  if (schedule.lessonLengths.length === 0) return false;
  const lengthMinutes = Math.min(...schedule.lessonLengths);
  const latestStart = window.to - lengthMinutes * MINUTE_MS + 1;
  const clamped = clampToPolicy(schedule.settings, { from: window.from, to: latestStart }, nowMs);
  for (const start of gridStarts(schedule, clamped, lengthMinutes)) {
    if (!clashes(schedule, start, lengthMinutes)) return true;
  }
  return false;
}

function horizonEnd(settings: SchedulingSettings, nowMs: number): number {
  return nowMs + settings.bookingHorizonDays * DAY_MS;
}

/** The window narrowed to starts the notice and horizon allow. */
function clampToPolicy(settings: SchedulingSettings, window: TimeWindow, nowMs: number): TimeWindow {
  return {
    from: Math.max(window.from, nowMs + settings.minimumNoticeMinutes * MINUTE_MS),
    to: Math.min(window.to, horizonEnd(settings, nowMs)),
  };
}

function clashes(schedule: TutorSchedule, startMs: number, lengthMinutes: number): boolean {
  const held: Span[] = schedule.booked.map((booking) => ({ start: booking.start, end: booking.blockedUntil }));
  return overlapsAny(held, startMs, startMs + (lengthMinutes + schedule.settings.bufferMinutes) * MINUTE_MS);
}

/** Grid start times in the window whose whole lesson is available time, ascending; bookings not considered. */
function* gridStarts(schedule: TutorSchedule, window: TimeWindow, lengthMinutes: number): Generator<number> {
  if (window.to <= window.from) return;
  const { timeZone: zone, rules, overrides, settings } = schedule;
  const first = localDateAt(zone, window.from);
  const last = localDateAt(zone, window.to - 1);
  const dates = datesBetween(first, last);
  // A lesson may run into the next date's availability; the previous date is there for spans
  // whose edges a DST jump at midnight moves.
  const available = instantSpansOn(zone, [addDays(first, -1), ...dates, addDays(last, 1)], rules, overrides);
  const lengthMs = lengthMinutes * MINUTE_MS;
  for (const date of dates) {
    const resolve = wallTimeResolver(zone, date);
    for (const span of wallSpansOn(date, rules, overrides)) {
      for (let minute = span.start; minute < span.end; minute += settings.slotStepMinutes) {
        const resolution = resolve(minute);
        if (resolution.kind === 'skipped') continue;
        const start = resolution.kind === 'exact' ? resolution.instant : resolution.earlier;
        if (start < window.from || start >= window.to) continue;
        if (coversSpan(available, start, start + lengthMs)) yield start;
      }
    }
  }
}
