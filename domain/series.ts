/**
 * Weekly lesson series: the pure rules shared by the API, the series workflow and the tests.
 *
 * A series repeats at the same wall-clock time in the tutor's time zone (their weekly availability
 * is written in it), so a lesson at 17:00 stays at 17:00 across a daylight-saving change.
 */
import { addDays } from './availability/local-date.js';
import { firstInstantOf, localDateAt, resolveWallTime, wallEpochAt } from './availability/time-zone.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Stripe's shortest authorization validity window for an online card payment the customer is not
 * present for (a merchant-initiated transaction): Visa's 5 days, exactly 4 days 18 hours
 * (docs.stripe.com/payments/place-a-hold-on-a-payment-method, "Authorization validity windows").
 * A series occurrence is authorized off-session, so it is created no further ahead than this: even
 * a hold kept until the lesson's start is still valid then.
 */
export const OFF_SESSION_AUTHORIZATION_WINDOW_MS = 4 * DAY_MS + 18 * 3_600_000;

/** What became of one week of a series. */
export const SERIES_WEEK_STATUSES = ['upcoming', 'booked', 'taken', 'skipped', 'cancelled'] as const;
export type SeriesWeekStatus = (typeof SERIES_WEEK_STATUSES)[number];

export const SERIES_STATUSES = ['active', 'completed', 'cancelled'] as const;
export type SeriesStatus = (typeof SERIES_STATUSES)[number];

/**
 * Why a week could not be booked (reported on the series and to the student, never dropped):
 * the tutor's time was held by someone else, the student had another lesson then, the card was
 * declined, or the tutor no longer takes that time (availability, notice, horizon, unpublished).
 */
export const TAKEN_REASONS = ['tutor_busy', 'student_busy', 'payment_failed', 'unavailable'] as const;
export type TakenReason = (typeof TAKEN_REASONS)[number];

/** The start of each of `weeks` lessons: the first one's wall time in `zone`, a week apart. */
export function weeklyStarts(firstStartMs: number, weeks: number, zone: string): number[] {
  const firstDate = localDateAt(zone, firstStartMs);
  const minuteOfDay = Math.round((wallEpochAt(zone, firstStartMs) % DAY_MS) / MINUTE_MS);
  return Array.from({ length: weeks }, (_, week) => (week === 0 ? firstStartMs : firstInstantOf(resolveWallTime(zone, addDays(firstDate, 7 * week), minuteOfDay))));
}
