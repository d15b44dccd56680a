/**
 * Finding tutors: filters, sorts and keyset pages over published tutors (see the repository), and
 * the "free between" filter.
 *
 * "Free between freeFrom and freeTo" means: at least one lesson of a length the tutor offers fits
 * inside the window under exactly the rules the slot list uses (DST, overrides, notice, horizon,
 * buffers, live bookings). SQL only pre-filters the candidates (a weekly rule on a weekday the
 * window touches, or extra hours on one of its dates); the exact check runs in code on each page's
 * candidates. Expressing DST-aware rule expansion in SQL would duplicate the domain rules in a
 * second language and drift from them; checking a page of candidates costs a few batch queries.
 * Because candidates can fail the check, such a page is filled from further batches, up to a cap on
 * how many tutors one request examines: past the cap a page may hold fewer than `limit` tutors
 * while `nextCursor` is still set.
 */
import type { SearchFilters, SearchPosition, SearchSort, TutorSearchRepository, TutorSearchRow } from '../../db/repositories/tutor-search-repository.js';
import { dateOfWallEpoch, datesBetween, addDays, weekdayOf } from '../../domain/availability/local-date.js';
import { hasBookableSlot, type TimeWindow } from '../../domain/availability/slots.js';
import { AppError, type FieldIssue } from '../../domain/errors.js';
import type { ScheduleLoader } from '../availability/schedule-loader.js';
import { decodeCursor, encodeCursor } from './search-cursor.js';

const DAY_MS = 86_400_000;
export const MAX_FREE_WINDOW_DAYS = 31;
/**
 * Candidates read per batch while filling a "free between" page (a few times the page size, since
 * some fail the exact check), and the most one request examines.
 */
const FREE_BATCH_MIN = 30;
const FREE_BATCH_MAX = 100;
const FREE_MAX_EXAMINED = 500;

export interface TutorSearchQuery {
  subject?: string;
  language?: string;
  currency?: string;
  minPrice?: number;
  maxPrice?: number;
  minRating?: number;
  freeFrom?: Date;
  freeTo?: Date;
  verifiedOnly: boolean;
  sort: SearchSort;
  cursor?: string;
  limit: number;
}

export interface TutorCard {
  tutorId: string;
  displayName: string;
  headline: string;
  hourlyRateMinor: number;
  currency: string;
  lessonLengths: number[];
  timeZone: string;
  instantBooking: boolean;
  verified: boolean;
  ratingAverage: number | null;
  ratingCount: number;
  avatarFileId: string | null;
  subjects: string[];
  languages: string[];
  createdAt: Date;
}

export interface TutorSearchPage {
  items: TutorCard[];
  nextCursor: string | null;
}

export class TutorSearchService {
  constructor(
    private readonly search: TutorSearchRepository,
    private readonly schedules: ScheduleLoader,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async find(query: TutorSearchQuery): Promise<TutorSearchPage> {
    checkCombinations(query);
    const after = query.cursor ? decodeCursor(query.cursor, query.sort) : null;
    const filters: SearchFilters = {
      language: query.language?.toLowerCase(),
      currency: query.currency,
      minPriceMinor: query.minPrice,
      maxPriceMinor: query.maxPrice,
      minRating: query.minRating,
      verifiedOnly: query.verifiedOnly,
    };
    if (query.subject !== undefined) {
      filters.subjectIds = await this.search.subjectWithDescendants(query.subject);
      if (filters.subjectIds.length === 0) return { items: [], nextCursor: null };
    }

    const { rows, last } =
      query.freeFrom && query.freeTo
        ? await this.freePage(filters, query, after, { from: query.freeFrom.getTime(), to: query.freeTo.getTime() })
        : await this.plainPage(filters, query, after);
    return { items: rows.map(cardOf), nextCursor: last ? encodeCursor(query.sort, last) : null };
  }

  private async plainPage(filters: SearchFilters, query: TutorSearchQuery, after: SearchPosition | null) {
    const rows = await this.search.page(filters, query.sort, after, query.limit + 1);
    const page = rows.slice(0, query.limit);
    return { rows: page, last: rows.length > query.limit ? positionOf(page[page.length - 1]!) : null };
  }

  private async freePage(filters: SearchFilters, query: TutorSearchQuery, after: SearchPosition | null, window: TimeWindow) {
    const withCandidates: SearchFilters = { ...filters, mayBeFree: candidateDays(window) };
    const batchSize = Math.min(FREE_BATCH_MAX, Math.max(FREE_BATCH_MIN, query.limit * 3));
    const found: TutorSearchRow[] = [];
    let position = after;
    let examined = 0;
    for (;;) {
      const batch = await this.search.page(withCandidates, query.sort, position, batchSize);
      const schedules = await this.schedules.load(
        batch.map((row) => row.userId),
        window,
      );
      const nowMs = this.now().getTime();
      for (const [index, row] of batch.entries()) {
        examined += 1;
        position = positionOf(row);
        const schedule = schedules.get(row.userId);
        if (schedule && hasBookableSlot(schedule, window, nowMs)) found.push(row);
        const exhausted = batch.length < batchSize && index === batch.length - 1;
        if (found.length === query.limit) return { rows: found, last: exhausted ? null : position };
      }
      if (batch.length < batchSize) return { rows: found, last: null };
      if (examined >= FREE_MAX_EXAMINED) return { rows: found, last: position };
    }
  }
}

const positionOf = (row: TutorSearchRow): SearchPosition => ({ sortKey: row.sortKey, userId: row.userId });

const cardOf = (row: TutorSearchRow): TutorCard => ({
  tutorId: row.userId,
  displayName: row.displayName,
  headline: row.headline,
  hourlyRateMinor: row.hourlyRateMinor,
  currency: row.currency,
  lessonLengths: [...row.lessonLengths].sort((a, b) => a - b),
  timeZone: row.timeZone,
  instantBooking: row.instantBooking,
  verified: row.verificationStatus === 'verified',
  ratingAverage: row.ratingAverage,
  ratingCount: row.ratingCount,
  avatarFileId: row.avatarFileId,
  subjects: row.subjects,
  languages: row.languages,
  createdAt: row.createdAt,
});

/**
 * Weekdays and dates any tutor's local calendar can show during the window: zones are within 14
 * hours of UTC, so a day either side of the UTC dates covers them all.
 */
function candidateDays(window: TimeWindow) {
  const fromDate = addDays(dateOfWallEpoch(window.from), -1);
  const toDate = addDays(dateOfWallEpoch(window.to), 1);
  const dates = datesBetween(fromDate, toDate);
  const weekdays = [...new Set(dates.slice(0, 7).map(weekdayOf))].sort((a, b) => a - b);
  return { weekdays, fromDate, toDate };
}

function checkCombinations(query: TutorSearchQuery): void {
  const issues: FieldIssue[] = [];
  if ((query.minPrice !== undefined || query.maxPrice !== undefined) && query.currency === undefined) {
    issues.push({ path: 'query.currency', message: 'is required with minPrice or maxPrice: prices in different currencies do not compare' });
  }
  if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
    issues.push({ path: 'query.maxPrice', message: 'must not be below minPrice' });
  }
  if ((query.freeFrom === undefined) !== (query.freeTo === undefined)) {
    issues.push({ path: query.freeFrom ? 'query.freeTo' : 'query.freeFrom', message: 'freeFrom and freeTo go together' });
  } else if (query.freeFrom && query.freeTo) {
    const span = query.freeTo.getTime() - query.freeFrom.getTime();
    if (span <= 0) issues.push({ path: 'query.freeTo', message: 'must be after freeFrom' });
    else if (span > MAX_FREE_WINDOW_DAYS * DAY_MS) issues.push({ path: 'query.freeTo', message: `must be at most ${MAX_FREE_WINDOW_DAYS} days after freeFrom` });
  }
  if (issues.length > 0) throw AppError.invalidInput('Some filters do not go together; see "errors"', issues);
}
