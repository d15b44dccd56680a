/**
 * Calendar dates without a zone ("2026-03-29"), as a tutor's schedule and a viewer's date range
 * speak of them. They are carried as ISO strings and computed on through UTC midnight, where every
 * day has 24 hours, so adding days never meets a DST change.
 */
export type LocalDate = string;

const DAY_MS = 86_400_000;
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight of the date read as if it were UTC: the "wall epoch" the time-zone helpers compute with. */
export function wallEpochOf(date: LocalDate): number {
  const match = PATTERN.exec(date);
  if (!match) throw new RangeError(`"${date}" is not a date (YYYY-MM-DD)`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

/** True for a real calendar date in YYYY-MM-DD form (2026-02-30 is not one). */
export function isLocalDate(text: string): boolean {
  const match = PATTERN.exec(text);
  if (!match) return false;
  const epoch = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return dateOfWallEpoch(epoch) === text;
}

/** The date of a wall-epoch instant (its UTC calendar date). */
export function dateOfWallEpoch(wallMs: number): LocalDate {
  return new Date(wallMs).toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return dateOfWallEpoch(wallEpochOf(date) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((wallEpochOf(to) - wallEpochOf(from)) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday, as JavaScript's Date#getDay numbers them. */
export function weekdayOf(date: LocalDate): number {
  return new Date(wallEpochOf(date)).getUTCDay();
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: LocalDate, to: LocalDate): LocalDate[] {
  const dates: LocalDate[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}
