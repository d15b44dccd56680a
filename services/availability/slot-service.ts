/**
 * Bookable lesson times, read by anyone for a listed tutor (a tutor also sees their own while
 * unlisted), and the same rules as a yes/no check for a booking request.
 */
import type { Principal } from '../../domain/principal.js';
import { daysBetween, type LocalDate } from '../../domain/availability/local-date.js';
import { bookableStarts, isSlotBookable, type SlotVerdict } from '../../domain/availability/slots.js';
import { datesToWindow, formatInZone } from '../../domain/availability/time-zone.js';
import { AppError } from '../../domain/errors.js';
import type { ScheduleLoader } from './schedule-loader.js';

const MINUTE_MS = 60_000;
/** The longest date range one slot request may ask for, both ends included. */
export const MAX_SLOT_RANGE_DAYS = 31;

export interface SlotQuery {
  from: LocalDate;
  to: LocalDate;
  /** The viewer's IANA zone: the dates are theirs, and each slot's local time is on their clock. */
  timeZone: string;
  /** Minutes; defaults to the tutor's shortest lesson. */
  lengthMinutes?: number;
}

export interface Slot {
  start: Date;
  end: Date;
  /** The start on the viewer's clock, ISO 8601 with the offset: 2026-03-29T09:00:00+02:00. */
  localStart: string;
}

export interface SlotList {
  tutorId: string;
  tutorTimeZone: string;
  timeZone: string;
  from: LocalDate;
  to: LocalDate;
  lengthMinutes: number;
  slots: Slot[];
}

export interface SlotCheck {
  verdict: SlotVerdict;
  /** Where the booking's hold ends: the lesson's end plus the tutor's current buffer (bookings.blocked_until). */
  blockedUntil: Date;
  tutorTimeZone: string;
}

export class SlotService {
  constructor(
    private readonly schedules: ScheduleLoader,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(viewer: Principal | undefined, tutorId: string, query: SlotQuery): Promise<SlotList> {
    const days = daysBetween(query.from, query.to) + 1;
    if (days < 1) throw AppError.invalidInput('The range ends before it starts', [{ path: 'query.to', message: 'must not be before from' }]);
    if (days > MAX_SLOT_RANGE_DAYS) {
      throw AppError.invalidInput(`Ask for at most ${MAX_SLOT_RANGE_DAYS} days at a time`, [
        { path: 'query.to', message: `must be at most ${MAX_SLOT_RANGE_DAYS - 1} days after from` },
      ]);
    }
    const window = datesToWindow(query.timeZone, query.from, query.to);
    const schedule = (await this.schedules.load([tutorId], window)).get(tutorId);
    if (!schedule || (!schedule.listed && viewer?.userId !== tutorId)) throw AppError.notFound('The tutor');

    const lengthMinutes = query.lengthMinutes ?? Math.min(...schedule.lessonLengths);
    if (!schedule.lessonLengths.includes(lengthMinutes)) {
      throw AppError.invalidInput('This tutor does not offer lessons of that length', [
        { path: 'query.length', message: `must be one of ${[...schedule.lessonLengths].sort((a, b) => a - b).join(', ')}` },
      ]);
    }
    const starts = bookableStarts(schedule, window, lengthMinutes, this.now().getTime());
    return {
      tutorId,
      tutorTimeZone: schedule.timeZone,
      timeZone: query.timeZone,
      from: query.from,
      to: query.to,
      lengthMinutes,
      slots: starts.map((start) => ({
        start: new Date(start),
        end: new Date(start + lengthMinutes * MINUTE_MS),
        localStart: formatInZone(query.timeZone, start),
      })),
    };
  }

  /**
   * For the booking request: may this lesson be booked now? The database's exclusion constraint
   * still has the last word when two requests race for one slot. Throws not found for a tutor
   * who is not listed.
   */
  async check(tutorId: string, start: Date, lengthMinutes: number): Promise<SlotCheck> {
    const startMs = start.getTime();
    const schedule = (await this.schedules.load([tutorId], { from: startMs, to: startMs + 1 })).get(tutorId);
    if (!schedule || !schedule.listed) throw AppError.notFound('The tutor');
    return {
      verdict: isSlotBookable(schedule, startMs, lengthMinutes, this.now().getTime()),
      blockedUntil: new Date(startMs + (lengthMinutes + schedule.settings.bufferMinutes) * MINUTE_MS),
      tutorTimeZone: schedule.timeZone,
    };
  }
}
