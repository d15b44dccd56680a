/**
 * Every query on reviews, and the projection of visible reviews onto the tutor's rating. Writes
 * take the service's transaction: the review and the rating it changes commit together.
 */
import type { Knex } from 'knex';
import { Review } from '../models/review.js';

export type NewReview = Pick<Review, 'bookingId' | 'tutorId' | 'studentId' | 'rating' | 'text'>;

/** Which reviews the moderation list shows: all (newest first), visible ones with reports, hidden ones. */
export type ModerationView = 'recent' | 'reported' | 'hidden';

export interface ModerationQuery {
  view: ModerationView;
  tutorId?: string;
  /** At most this rating (e.g. 2: the poor ones). */
  maxRating?: number;
  limit: number;
  before?: { at: Date; id: string };
}

/** A review as moderators see it: who wrote it about whom, and what it was reported for. */
export interface ModeratedReview {
  review: Review;
  tutorName: string;
  studentName: string;
  reportCount: number;
  lastReport: { reason: string; at: Date } | null;
}

/** A review as the public sees it: with its author's display name. */
export interface PublicReview {
  review: Review;
  studentName: string;
}

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  const wrapped = error as { nativeError?: unknown };
  return ((wrapped.nativeError ?? error) as { code?: string }).code === UNIQUE_VIOLATION;
}

export class ReviewRepository {
  constructor(private readonly db: Knex) {}

  /** Runs `work` in one transaction (the review write and the rating it moves). */
  transaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async findById(id: string, trx?: Knex.Transaction, options: { forUpdate?: boolean } = {}): Promise<Review | undefined> {
    const query = Review.query(trx ?? this.db).findById(id);
    if (options.forUpdate) query.forUpdate();
    return query;
  }

  async findByBooking(bookingId: string): Promise<Review | undefined> {
    return Review.query(this.db).findOne('booking_id', bookingId);
  }

  /** The booking's review; undefined if it has none, or when a concurrent insert already took it (unique booking_id). */
  async insert(review: NewReview, trx?: Knex.Transaction): Promise<Review | undefined> {
    try {
      // Millisecond timestamps: the keyset cursor carries a JavaScript Date, which has no microseconds.
      const at = new Date();
      return await Review.query(trx ?? this.db).insert({ ...review, createdAt: at, updatedAt: at }).returning('*');
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  async update(id: string, patch: Partial<Pick<Review, 'rating' | 'text' | 'reply' | 'repliedAt' | 'hiddenAt' | 'hiddenBy' | 'hiddenReason'>>, trx?: Knex.Transaction): Promise<Review> {
    return Review.query(trx ?? this.db)
      .patchAndFetchById(id, { ...patch, updatedAt: new Date() });
  }

  /**
   * Serialises rating writes per tutor: a second review's transaction waits here until the first
   * commits, so its recount (a new snapshot per statement) sees both reviews.
   */
  async lockTutorRating(tutorId: string, trx: Knex.Transaction): Promise<void> {
    await trx.raw('select 1 from tutor_profiles where user_id = ? for update', [tutorId]);
  }

  /** The tutor's rating from their visible reviews: null average and 0 count when none is left. */
  async refreshTutorRating(tutorId: string, trx: Knex.Transaction): Promise<void> {
    await trx.raw(
      `update tutor_profiles tp
          set rating_average = agg.average, rating_count = agg.count, updated_at = now()
         from (select round(avg(rating)::numeric, 2) as average, count(*)::int as count
                 from reviews where tutor_id = ? and hidden_at is null) agg
        where tp.user_id = ?`,
      [tutorId, tutorId],
    );
  }

  /** A tutor's visible reviews, newest first, after the keyset position `before` (created_at, id). */
  async listPublic(tutorId: string, limit: number, before?: { at: Date; id: string }): Promise<PublicReview[]> {
    const query = Review.query(this.db)
      .alias('r')
      .join('users as u', 'u.id', 'r.student_id')
      .select('r.*', 'u.display_name as student_name')
      .where('r.tutor_id', tutorId)
      .whereNull('r.hidden_at')
      .orderBy([
        { column: 'r.created_at', order: 'desc' },
        { column: 'r.id', order: 'desc' },
      ])
      .limit(limit);
    if (before) query.whereRaw('(r.created_at, r.id) < (?, ?)', [before.at, before.id]);
    const rows = (await query) as (Review & { studentName: string })[];
    return rows.map((row) => ({ review: row, studentName: row.studentName }));
  }

  /** A user's report of a review; false when they already reported it (the unique pair, also under concurrency). */
  async insertReport(report: { reviewId: string; reporterId: string; reason: string }): Promise<boolean> {
    const rows = await this.db('review_reports')
      .insert({ review_id: report.reviewId, reporter_id: report.reporterId, reason: report.reason })
      .onConflict(['review_id', 'reporter_id'])
      .ignore()
      .returning('id');
    return rows.length === 1;
  }

  /** The moderation list, newest review first, keyset-paged by (created_at, id). */
  async listForModeration({ view, tutorId, maxRating, limit, before }: ModerationQuery): Promise<ModeratedReview[]> {
    const reports = this.db('review_reports as rr')
      .select('rr.review_id')
      .count('* as report_count')
      .max('rr.created_at as last_reported_at')
      .select(this.db.raw('(array_agg(rr.reason order by rr.created_at desc))[1] as last_report_reason'))
      .groupBy('rr.review_id')
      .as('rep');
    const query = Review.query(this.db)
      .alias('r')
      .join('users as t', 't.id', 'r.tutor_id')
      .join('users as s', 's.id', 'r.student_id')
      .leftJoin(reports, 'rep.review_id', 'r.id')
      .select('r.*', 't.display_name as tutor_name', 's.display_name as student_name', 'rep.report_count', 'rep.last_reported_at', 'rep.last_report_reason')
      .orderBy([
        { column: 'r.created_at', order: 'desc' },
        { column: 'r.id', order: 'desc' },
      ])
      .limit(limit);
    if (view === 'reported') query.whereNull('r.hidden_at').whereNotNull('rep.review_id');
    if (view === 'hidden') query.whereNotNull('r.hidden_at');
    if (tutorId) query.where('r.tutor_id', tutorId);
    if (maxRating !== undefined) query.where('r.rating', '<=', maxRating);
    if (before) query.whereRaw('(r.created_at, r.id) < (?, ?)', [before.at, before.id]);
    const rows = (await query) as (Review & { tutorName: string; studentName: string; reportCount: string | null; lastReportedAt: Date | null; lastReportReason: string | null })[];
    return rows.map((row) => ({
      review: row,
      tutorName: row.tutorName,
      studentName: row.studentName,
      reportCount: Number(row.reportCount ?? 0),
      lastReport: row.lastReportedAt ? { reason: row.lastReportReason!, at: row.lastReportedAt } : null,
    }));
  }
}
