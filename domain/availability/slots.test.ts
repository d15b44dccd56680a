import { describe, expect, it } from 'vitest';
import type { DateOverride } from './date-overrides.js';
import { DEFAULT_SCHEDULING, type SchedulingSettings } from './scheduling.js';
import { bookableStarts, hasBookableSlot, isSlotBookable, type TutorSchedule } from './slots.js';
import { datesToWindow, formatInZone } from './time-zone.js';
import type { WeeklyRule } from './weekly-rules.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const SUNDAY = 0;
const MONDAY = 1;
/** Long before every date below, so notice and horizon stay out of the way unless a test sets them. */
const LONG_AGO = at('2026-01-01T00:00:00Z');

function schedule(overrides: Omit<Partial<TutorSchedule>, 'settings'> & { settings?: Partial<SchedulingSettings> } = {}): TutorSchedule {
  return {
    timeZone: 'UTC',
    lessonLengths: [30, 60],
    rules: [],
    overrides: [],
    booked: [],
    ...overrides,
    settings: { ...DEFAULT_SCHEDULING, minimumNoticeMinutes: 0, bookingHorizonDays: 365, slotStepMinutes: 60, ...overrides.settings },
  };
}

const rule = (weekday: number, start: string, end: string): WeeklyRule => ({
  weekday,
  startMinute: minutes(start),
  endMinute: minutes(end),
});
function minutes(clock: string): number {
  const [hours, mins] = clock.split(':').map(Number);
  return hours! * 60 + mins!;
}

/** Bookable starts over whole local dates of the tutor's zone, as UTC ISO strings. */
function startsOn(s: TutorSchedule, from: string, to: string, length = 60, now = LONG_AGO): string[] {
  return bookableStarts(s, datesToWindow(s.timeZone, from, to), length, now).map(iso);
}

describe('a 09:00–12:00 rule across DST changes stays 09:00–12:00 on the tutor’s clock', () => {
  const sundayMornings = (timeZone: string) => schedule({ timeZone, rules: [rule(SUNDAY, '09:00', '12:00')] });

  it('America/New_York, spring forward (8 March 2026)', () => {
    const tutor = sundayMornings('America/New_York');
    expect(startsOn(tutor, '2026-03-01', '2026-03-01')).toEqual(['2026-03-01T14:00:00Z', '2026-03-01T15:00:00Z', '2026-03-01T16:00:00Z']);
    expect(startsOn(tutor, '2026-03-08', '2026-03-08')).toEqual(['2026-03-08T13:00:00Z', '2026-03-08T14:00:00Z', '2026-03-08T15:00:00Z']);
  });

  it('America/New_York, fall back (1 November 2026)', () => {
    const tutor = sundayMornings('America/New_York');
    expect(startsOn(tutor, '2026-10-25', '2026-10-25')).toEqual(['2026-10-25T13:00:00Z', '2026-10-25T14:00:00Z', '2026-10-25T15:00:00Z']);
    expect(startsOn(tutor, '2026-11-01', '2026-11-01')).toEqual(['2026-11-01T14:00:00Z', '2026-11-01T15:00:00Z', '2026-11-01T16:00:00Z']);
  });

  it('Europe/Berlin, spring forward (29 March 2026) and fall back (25 October 2026)', () => {
    const tutor = sundayMornings('Europe/Berlin');
    expect(startsOn(tutor, '2026-03-22', '2026-03-22')[0]).toBe('2026-03-22T08:00:00Z');
    expect(startsOn(tutor, '2026-03-29', '2026-03-29')[0]).toBe('2026-03-29T07:00:00Z');
    expect(startsOn(tutor, '2026-10-18', '2026-10-18')[0]).toBe('2026-10-18T07:00:00Z');
    expect(startsOn(tutor, '2026-10-25', '2026-10-25')[0]).toBe('2026-10-25T08:00:00Z');
  });

  it('one query across the change returns the same wall times each week', () => {
    const tutor = sundayMornings('Europe/Berlin');
    const starts = bookableStarts(tutor, datesToWindow('Europe/Berlin', '2026-03-20', '2026-04-06'), 60, LONG_AGO);
    expect(starts.map((start) => formatInZone('Europe/Berlin', start).slice(11, 16))).toEqual([
      '09:00', '10:00', '11:00', // 22 March, CET
      '09:00', '10:00', '11:00', // 29 March, CEST
      '09:00', '10:00', '11:00', // 5 April
    ]);
  });
});

describe('a 01:30–03:30 rule on the spring-forward day', () => {
  const tutor = schedule({
    timeZone: 'America/New_York',
    rules: [rule(SUNDAY, '01:30', '03:30')],
    settings: { slotStepMinutes: 30 },
  });

  it('offers only real wall times: 02:00 and 02:30 never happen', () => {
    const starts = bookableStarts(tutor, datesToWindow('America/New_York', '2026-03-08', '2026-03-08'), 30, LONG_AGO);
    expect(starts.map(iso)).toEqual(['2026-03-08T06:30:00Z', '2026-03-08T07:00:00Z']);
    expect(starts.map((start) => formatInZone('America/New_York', start))).toEqual(['2026-03-08T01:30:00-05:00', '2026-03-08T03:00:00-04:00']);
  });

  it('holds one real hour, so one 60-minute lesson fits', () => {
    expect(startsOn(tutor, '2026-03-08', '2026-03-08', 60)).toEqual(['2026-03-08T06:30:00Z']);
  });

  it('is two real hours on an ordinary Sunday', () => {
    expect(startsOn(tutor, '2026-03-15', '2026-03-15', 60)).toEqual([
      '2026-03-15T05:30:00Z', // 01:30 EDT
      '2026-03-15T06:00:00Z',
      '2026-03-15T06:30:00Z',
    ]);
  });
});

describe('wall times repeated on the fall-back day', () => {
  it('are offered once, at their first occurrence', () => {
    const tutor = schedule({ timeZone: 'America/New_York', rules: [rule(SUNDAY, '00:30', '02:30')], settings: { slotStepMinutes: 30 } });
    const starts = bookableStarts(tutor, datesToWindow('America/New_York', '2026-11-01', '2026-11-01'), 30, LONG_AGO);
    expect(starts.map((start) => formatInZone('America/New_York', start))).toEqual([
      '2026-11-01T00:30:00-04:00',
      '2026-11-01T01:00:00-04:00',
      '2026-11-01T01:30:00-04:00',
      '2026-11-01T02:00:00-05:00',
    ]);
  });
});

describe('a viewer in another zone', () => {
  it('asks by their own dates and reads the tutor’s times on their own clock', () => {
    // A Berlin tutor teaching Monday 09:00–11:00; a viewer in Tokyo asks for their Monday 30 March.
    const tutor = schedule({ timeZone: 'Europe/Berlin', rules: [rule(MONDAY, '09:00', '11:00')] });
    const window = datesToWindow('Asia/Tokyo', '2026-03-30', '2026-03-30');
    const starts = bookableStarts(tutor, window, 60, LONG_AGO);
    expect(starts.map((start) => formatInZone('Asia/Tokyo', start))).toEqual(['2026-03-30T16:00:00+09:00', '2026-03-30T17:00:00+09:00']);
    // In Los Angeles the same lessons fall just after midnight of the same date, none on the day before.
    const inLosAngeles = (date: string) =>
      bookableStarts(tutor, datesToWindow('America/Los_Angeles', date, date), 60, LONG_AGO).map((start) => formatInZone('America/Los_Angeles', start));
    expect(inLosAngeles('2026-03-30')).toEqual(['2026-03-30T00:00:00-07:00', '2026-03-30T01:00:00-07:00']);
    expect(inLosAngeles('2026-03-29')).toEqual([]);
  });
});

describe('date overrides', () => {
  const weekdays = [1, 2, 3, 4, 5].map((day) => rule(day, '09:00', '12:00'));
  const off = (date: string, start?: string, end?: string): DateOverride => ({
    date,
    kind: 'off',
    startMinute: start ? minutes(start) : null,
    endMinute: end ? minutes(end) : null,
  });
  const extra = (date: string, start: string, end: string): DateOverride => ({ date, kind: 'extra', startMinute: minutes(start), endMinute: minutes(end) });

  it('a whole day off leaves nothing that day and touches no other day', () => {
    const tutor = schedule({ rules: weekdays, overrides: [off('2026-04-07')] });
    expect(startsOn(tutor, '2026-04-07', '2026-04-07')).toEqual([]);
    expect(startsOn(tutor, '2026-04-08', '2026-04-08')).toHaveLength(3);
  });

  it('time off over part of a day removes just that part', () => {
    const tutor = schedule({ rules: weekdays, overrides: [off('2026-04-07', '10:00', '11:00')] });
    expect(startsOn(tutor, '2026-04-07', '2026-04-07')).toEqual(['2026-04-07T09:00:00Z', '2026-04-07T11:00:00Z']);
  });

  it('extra hours open a day without rules and extend a day with them', () => {
    const tutor = schedule({ rules: weekdays, overrides: [extra('2026-04-11', '14:00', '16:00'), extra('2026-04-07', '12:00', '13:00')] });
    expect(startsOn(tutor, '2026-04-11', '2026-04-11')).toEqual(['2026-04-11T14:00:00Z', '2026-04-11T15:00:00Z']);
    expect(startsOn(tutor, '2026-04-07', '2026-04-07')).toEqual(['2026-04-07T09:00:00Z', '2026-04-07T10:00:00Z', '2026-04-07T11:00:00Z', '2026-04-07T12:00:00Z']);
  });

  it('time off wins over extra hours on the same day', () => {
    const tutor = schedule({ overrides: [extra('2026-04-11', '14:00', '16:00'), off('2026-04-11')] });
    expect(startsOn(tutor, '2026-04-11', '2026-04-11')).toEqual([]);
  });

  it('are read on the tutor’s local date', () => {
    // 7 April in Auckland ends at 12:00 UTC on the 7th; the day off must not reach into the 8th there.
    const tutor = schedule({ timeZone: 'Pacific/Auckland', rules: weekdays, overrides: [off('2026-04-07')] });
    expect(startsOn(tutor, '2026-04-07', '2026-04-07')).toEqual([]);
    expect(startsOn(tutor, '2026-04-08', '2026-04-08')).toEqual(['2026-04-07T21:00:00Z', '2026-04-07T22:00:00Z', '2026-04-07T23:00:00Z']);
  });
});

describe('availability that runs past midnight', () => {
  it('lets a lesson start before midnight and end after it', () => {
    const tutor = schedule({ rules: [rule(MONDAY, '22:00', '24:00'), rule(2, '00:00', '01:00')], settings: { slotStepMinutes: 30 } });
    expect(startsOn(tutor, '2026-04-06', '2026-04-07', 60)).toEqual([
      '2026-04-06T22:00:00Z',
      '2026-04-06T22:30:00Z',
      '2026-04-06T23:00:00Z',
      '2026-04-06T23:30:00Z',
      '2026-04-07T00:00:00Z',
    ]);
  });
});

describe('minimum notice and booking horizon', () => {
  const everyDay = [0, 1, 2, 3, 4, 5, 6].map((day) => rule(day, '09:00', '17:00'));
  const now = at('2026-04-06T10:15:00Z');

  it('offers nothing sooner than the notice after now', () => {
    const tutor = schedule({ rules: everyDay, settings: { minimumNoticeMinutes: 120 } });
    expect(startsOn(tutor, '2026-04-06', '2026-04-06', 60, now)).toEqual([
      '2026-04-06T13:00:00Z', // 12:15 is the earliest allowed; 12:00 is too soon
      '2026-04-06T14:00:00Z',
      '2026-04-06T15:00:00Z',
      '2026-04-06T16:00:00Z',
    ]);
    expect(isSlotBookable(tutor, at('2026-04-06T12:00:00Z'), 60, now)).toEqual({ bookable: false, reason: 'too_soon' });
    expect(isSlotBookable(tutor, at('2026-04-06T09:00:00Z'), 60, now)).toEqual({ bookable: false, reason: 'too_soon' });
  });

  it('offers nothing at or beyond the horizon', () => {
    const tutor = schedule({ rules: everyDay, settings: { bookingHorizonDays: 2 } });
    const starts = startsOn(tutor, '2026-04-06', '2026-04-10', 60, now);
    expect(starts[starts.length - 1]).toBe('2026-04-08T10:00:00Z');
    expect(starts.every((start) => Date.parse(start) < now + 2 * 86_400_000)).toBe(true);
    expect(isSlotBookable(tutor, at('2026-04-09T09:00:00Z'), 60, now)).toEqual({ bookable: false, reason: 'beyond_horizon' });
  });
});

describe('buffers around bookings', () => {
  // Monday 08:00–14:00, a 15-minute grid, a 15-minute buffer, and a lesson booked 10:00–11:00
  // that holds the tutor until 11:15 (its end plus the buffer at the time it was booked).
  const tutor = schedule({
    rules: [rule(MONDAY, '08:00', '14:00')],
    settings: { slotStepMinutes: 15, bufferMinutes: 15 },
    booked: [{ start: at('2026-04-06T10:00:00Z'), blockedUntil: at('2026-04-06T11:15:00Z') }],
  });

  it('keeps the buffer before the booking and after it', () => {
    expect(startsOn(tutor, '2026-04-06', '2026-04-06', 60)).toEqual([
      '2026-04-06T08:00:00Z',
      '2026-04-06T08:15:00Z',
      '2026-04-06T08:30:00Z',
      '2026-04-06T08:45:00Z', // ends 09:45, its buffer ends 10:00: just fits
      '2026-04-06T11:15:00Z', // the booking's buffer is over
      '2026-04-06T11:30:00Z',
      '2026-04-06T11:45:00Z',
      '2026-04-06T12:00:00Z',
      '2026-04-06T12:15:00Z',
      '2026-04-06T12:30:00Z',
      '2026-04-06T12:45:00Z',
      '2026-04-06T13:00:00Z',
    ]);
  });

  it('refuses a lesson whose own buffer runs into the booking, or that starts in the booking’s buffer', () => {
    expect(isSlotBookable(tutor, at('2026-04-06T09:00:00Z'), 60, LONG_AGO)).toEqual({ bookable: false, reason: 'conflict' });
    expect(isSlotBookable(tutor, at('2026-04-06T11:00:00Z'), 60, LONG_AGO)).toEqual({ bookable: false, reason: 'conflict' });
    expect(isSlotBookable(tutor, at('2026-04-06T08:45:00Z'), 60, LONG_AGO)).toEqual({ bookable: true });
    expect(isSlotBookable(tutor, at('2026-04-06T11:15:00Z'), 60, LONG_AGO)).toEqual({ bookable: true });
  });
});

describe('isSlotBookable', () => {
  const tutor = schedule({ rules: [rule(MONDAY, '09:00', '12:00')], lessonLengths: [60] });

  it('accepts exactly the starts the slot list offers', () => {
    const listed = new Set(bookableStarts(tutor, datesToWindow('UTC', '2026-04-06', '2026-04-06'), 60, LONG_AGO));
    for (let start = at('2026-04-06T00:00:00Z'); start < at('2026-04-07T00:00:00Z'); start += 15 * 60_000) {
      expect(isSlotBookable(tutor, start, 60, LONG_AGO).bookable, iso(start)).toBe(listed.has(start));
    }
  });

  it('says why it refuses', () => {
    expect(isSlotBookable(tutor, at('2026-04-06T09:00:00Z'), 45, LONG_AGO)).toEqual({ bookable: false, reason: 'length_not_offered' });
    expect(isSlotBookable(tutor, at('2026-04-06T09:10:00Z'), 60, LONG_AGO)).toEqual({ bookable: false, reason: 'outside_availability' });
    expect(isSlotBookable(tutor, at('2026-04-06T11:30:00Z'), 60, LONG_AGO)).toEqual({ bookable: false, reason: 'outside_availability' });
    expect(isSlotBookable(tutor, at('2026-04-07T09:00:00Z'), 60, LONG_AGO)).toEqual({ bookable: false, reason: 'outside_availability' });
  });
});

describe('hasBookableSlot', () => {
  const tutor = schedule({ rules: [rule(MONDAY, '09:00', '12:00')], lessonLengths: [60, 90], booked: [] });

  it('needs a whole lesson of the shortest length inside the window', () => {
    expect(hasBookableSlot(tutor, { from: at('2026-04-06T10:00:00Z'), to: at('2026-04-06T11:00:00Z') }, LONG_AGO)).toBe(true);
    expect(hasBookableSlot(tutor, { from: at('2026-04-06T10:00:00Z'), to: at('2026-04-06T10:59:00Z') }, LONG_AGO)).toBe(false);
    expect(hasBookableSlot(tutor, { from: at('2026-04-07T00:00:00Z'), to: at('2026-04-12T00:00:00Z') }, LONG_AGO)).toBe(false);
  });

  it('is false when bookings fill the window', () => {
    const busy = { ...tutor, booked: [{ start: at('2026-04-06T09:00:00Z'), blockedUntil: at('2026-04-06T12:00:00Z') }] };
    expect(hasBookableSlot(busy, { from: at('2026-04-06T00:00:00Z'), to: at('2026-04-07T00:00:00Z') }, LONG_AGO)).toBe(false);
  });
});
