/**
 * The tutor search's queries: one page of published tutors matching the filters, walked by keyset
 * (sort key, then user id) so every page costs the same however deep it is. Each row carries the
 * tutor's subjects and languages (two index probes per row, in the same round trip: a page is one
 * query, not three).
 *
 * Each sort's key expression is written exactly as its index in migration 0210 is, which is how
 * Postgres matches the two; change one only together with the other.
 */
import type { Knex } from 'knex';
import type { LocalDate } from '../../domain/availability/local-date.js';

import type { SearchSort } from '../../domain/tutor-search.js';

export { SEARCH_SORTS, type SearchSort } from '../../domain/tutor-search.js';

interface SortSpec {
  key: string;
  /** Casts the cursor's text key back to the key's type. */
  cast: string;
  /** The key as text that casts back exactly (timestamps keep their microseconds). */
  text: string;
  direction: 'asc' | 'desc';
}

const SORTS: Record<SearchSort, SortSpec> = {
  relevance: {
    key: 'tutor_relevance(tp.rating_average, tp.rating_count, tp.verification_status)',
    cast: 'numeric',
    text: 'tutor_relevance(tp.rating_average, tp.rating_count, tp.verification_status)::text',
    direction: 'desc',
  },
  price_asc: { key: 'tp.hourly_rate_minor', cast: 'integer', text: 'tp.hourly_rate_minor::text', direction: 'asc' },
  price_desc: { key: 'tp.hourly_rate_minor', cast: 'integer', text: 'tp.hourly_rate_minor::text', direction: 'desc' },
  rating: { key: 'coalesce(tp.rating_average, -1)', cast: 'numeric', text: 'coalesce(tp.rating_average, -1)::text', direction: 'desc' },
  newest: {
    key: 'tp.created_at',
    cast: 'timestamptz',
    text: `to_char(tp.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    direction: 'desc',
  },
};

/** Where the previous page ended. */
export interface SearchPosition {
  sortKey: string;
  userId: string;
}

export interface SearchFilters {
  /** A subject and its descendants: tutors teaching any of them match. */
  subjectIds?: readonly string[];
  /** A lower-case BCP 47 tag: "en" matches "en" and "en-GB"; "en-gb" matches only "en-GB". */
  language?: string;
  currency?: string;
  minPriceMinor?: number;
  maxPriceMinor?: number;
  minRating?: number;
  verifiedOnly?: boolean;
  /**
   * Cheap pre-filter for "free between": tutors with a weekly rule on one of these weekdays or
   * extra hours on one of these dates. The exact check runs in code on the candidates.
   */
  mayBeFree?: { weekdays: readonly number[]; fromDate: LocalDate; toDate: LocalDate };
}

export interface TutorSearchRow {
  userId: string;
  displayName: string;
  headline: string;
  hourlyRateMinor: number;
  currency: string;
  lessonLengths: number[];
  timeZone: string;
  instantBooking: boolean;
  verificationStatus: string;
  ratingAverage: number | null;
  ratingCount: number;
  avatarFileId: string | null;
  createdAt: Date;
  sortKey: string;
  subjects: string[];
  languages: string[];
}

export class TutorSearchRepository {
  constructor(private readonly db: Knex) {}

  /** The page query, unexecuted: the benchmark explains the very query the API runs. */
  pageQuery(filters: SearchFilters, sort: SearchSort, after: SearchPosition | null, limit: number): Knex.QueryBuilder {
    const db = this.db;
    const spec = SORTS[sort];
    const query = db('tutor_profiles as tp')
      .join('users as u', 'u.id', 'tp.user_id')
      .select(
        'tp.user_id',
        'u.display_name',
        'tp.headline',
        'tp.hourly_rate_minor',
        'tp.currency',
        'tp.lesson_lengths',
        'tp.time_zone',
        'tp.instant_booking',
        'tp.verification_status',
        'tp.rating_average',
        'tp.rating_count',
        'tp.avatar_file_id',
        'tp.created_at',
        db.raw(`${spec.text} as sort_key`),
        db.raw('array(select ts.subject_id from tutor_subjects ts where ts.tutor_id = tp.user_id order by ts.subject_id) as subjects'),
        db.raw('array(select tl.language from tutor_languages tl where tl.tutor_id = tp.user_id order by tl.language) as languages'),
      )
      // Literal, not a bound parameter, so the planner can prove the partial indexes' predicate.
      .whereRaw('tp.published')
      .whereNull('u.disabled_at');

    if (filters.subjectIds) {
      query.whereRaw('exists (select 1 from tutor_subjects ts where ts.tutor_id = tp.user_id and ts.subject_id = any(?::text[]))', [
        [...filters.subjectIds],
      ]);
    }
    if (filters.language) {
      query.whereRaw(
        'exists (select 1 from tutor_languages tl where tl.tutor_id = tp.user_id and (lower(tl.language) = ? or lower(tl.language) like ?))',
        [filters.language, `${filters.language}-%`],
      );
    }
    if (filters.currency) query.where('tp.currency', filters.currency);
    if (filters.minPriceMinor !== undefined) query.where('tp.hourly_rate_minor', '>=', filters.minPriceMinor);
    if (filters.maxPriceMinor !== undefined) query.where('tp.hourly_rate_minor', '<=', filters.maxPriceMinor);
    if (filters.minRating !== undefined) query.where('tp.rating_average', '>=', filters.minRating);
    if (filters.verifiedOnly) query.whereRaw(`tp.verification_status = 'verified'`);
    if (filters.mayBeFree) {
      const { weekdays, fromDate, toDate } = filters.mayBeFree;
      // One EXISTS over a UNION ALL, not two EXISTS joined by OR: with OR, Postgres hashes every
      // rule of every tutor up front (tens of milliseconds at 10,000 tutors); this form probes the
      // rules' (tutor_id, weekday) index once per candidate and stops at the first hit.
      query.whereRaw(
        `exists (select 1 from availability_rules r where r.tutor_id = tp.user_id and r.weekday = any(?::smallint[])
                 union all
                 select 1 from availability_overrides o
                 where o.tutor_id = tp.user_id and o.kind = 'extra' and o.local_date between ?::date and ?::date)`,
        [[...weekdays], fromDate, toDate],
      );
    }
    if (after) {
      const comparison = spec.direction === 'asc' ? '>' : '<';
      query.whereRaw(`(${spec.key}, tp.user_id) ${comparison} (?::${spec.cast}, ?::uuid)`, [after.sortKey, after.userId]);
    }
    return query.orderByRaw(`${spec.key} ${spec.direction}, tp.user_id ${spec.direction}`).limit(limit);
  }

  async page(filters: SearchFilters, sort: SearchSort, after: SearchPosition | null, limit: number): Promise<TutorSearchRow[]> {
    const rows = await this.pageQuery(filters, sort, after, limit);
    return rows.map((row: Record<string, unknown>) => ({
      userId: row.user_id as string,
      displayName: row.display_name as string,
      headline: row.headline as string,
      hourlyRateMinor: row.hourly_rate_minor as number,
      currency: row.currency as string,
      lessonLengths: row.lesson_lengths as number[],
      timeZone: row.time_zone as string,
      instantBooking: row.instant_booking as boolean,
      verificationStatus: row.verification_status as string,
      ratingAverage: row.rating_average === null ? null : Number(row.rating_average),
      ratingCount: row.rating_count as number,
      avatarFileId: row.avatar_file_id as string | null,
      createdAt: row.created_at as Date,
      sortKey: row.sort_key as string,
      subjects: row.subjects as string[],
      languages: row.languages as string[],
    }));
  }

  /** The subject and every subject under it; empty when there is no such subject. */
  async subjectWithDescendants(subjectId: string): Promise<string[]> {
    const result = await this.db.raw(
      `with recursive tree as (
         select id from subjects where id = ?
         union
         select s.id from subjects s join tree on s.parent_id = tree.id
       )
       select id from tree`,
      [subjectId],
    );
    return (result.rows as { id: string }[]).map((row) => row.id);
  }
}
