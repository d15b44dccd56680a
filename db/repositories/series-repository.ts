/**
 * Every query on weekly lesson series and their weeks. The API inserts a series once; from then on
 * its workflow is the only writer (week outcomes, the series' status).
 */
import type { Knex } from 'knex';
import type { SeriesStatus, SeriesWeekStatus } from '../../domain/series.js';

export interface LessonSeries {
  id: string;
  studentId: string;
  tutorId: string;
  lengthMinutes: number;
  weeks: number;
  paymentMethodId: string;
  timeZone: string;
  status: SeriesStatus;
  requestHash: string;
  cancelledAt: Date | null;
  cancelReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SeriesWeek {
  seriesId: string;
  week: number;
  sessionStart: Date;
  sessionEnd: Date;
  status: SeriesWeekStatus;
  bookingId: string | null;
  reason: string | null;
  detail: string | null;
  updatedAt: Date;
  /** The week's booking's own status (its workflow writes it): a booked week may since have been declined or cancelled. */
  bookingStatus: string | null;
}

export type NewSeries = Pick<LessonSeries, 'id' | 'studentId' | 'tutorId' | 'lengthMinutes' | 'weeks' | 'paymentMethodId' | 'timeZone' | 'requestHash'>;

export interface WeekOutcome {
  seriesId: string;
  week: number;
  status: SeriesWeekStatus;
  bookingId?: string;
  reason?: string;
  detail?: string;
}

type Row = Record<string, unknown>;

const seriesOf = (row: Row): LessonSeries => ({
  id: row.id as string,
  studentId: row.student_id as string,
  tutorId: row.tutor_id as string,
  lengthMinutes: row.length_minutes as number,
  weeks: row.weeks as number,
  paymentMethodId: row.payment_method_id as string,
  timeZone: row.time_zone as string,
  status: row.status as SeriesStatus,
  requestHash: row.request_hash as string,
  cancelledAt: (row.cancelled_at as Date | null) ?? null,
  cancelReason: (row.cancel_reason as string | null) ?? null,
  createdAt: row.created_at as Date,
  updatedAt: row.updated_at as Date,
});

const weekOf = (row: Row): SeriesWeek => ({
  seriesId: row.series_id as string,
  week: row.week as number,
  sessionStart: row.session_start as Date,
  sessionEnd: row.session_end as Date,
  status: row.status as SeriesWeekStatus,
  bookingId: (row.booking_id as string | null) ?? null,
  reason: (row.reason as string | null) ?? null,
  detail: (row.detail as string | null) ?? null,
  updatedAt: row.updated_at as Date,
  bookingStatus: (row.booking_status as string | null) ?? null,
});

export class SeriesRepository {
  constructor(private readonly db: Knex) {}

  /** Inserts the series and its weeks; false when a series with this id exists already (a retried request). */
  async insert(series: NewSeries, weeks: { sessionStart: Date; sessionEnd: Date }[]): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const inserted = await trx('lesson_series')
        .insert({
          id: series.id,
          student_id: series.studentId,
          tutor_id: series.tutorId,
          length_minutes: series.lengthMinutes,
          weeks: series.weeks,
          payment_method_id: series.paymentMethodId,
          time_zone: series.timeZone,
          request_hash: series.requestHash,
        })
        .onConflict('id')
        .ignore()
        .returning('id');
      if (inserted.length === 0) return false;
      await trx('lesson_series_weeks').insert(weeks.map((week, index) => ({ series_id: series.id, week: index, session_start: week.sessionStart, session_end: week.sessionEnd })));
      return true;
    });
  }

  async findById(id: string): Promise<LessonSeries | undefined> {
    const row = await this.db('lesson_series').where({ id }).first();
    return row ? seriesOf(row) : undefined;
  }

  async weeks(seriesId: string): Promise<SeriesWeek[]> {
    const rows = await this.db('lesson_series_weeks as w')
      .leftJoin('bookings as b', 'b.id', 'w.booking_id')
      .where('w.series_id', seriesId)
      .orderBy('w.week')
      .select('w.*', 'b.status as booking_status');
    return rows.map(weekOf);
  }

  /** A student's or a tutor's series, newest first. */
  async listFor(userId: string, role: 'student' | 'tutor', limit: number): Promise<LessonSeries[]> {
    const column = role === 'student' ? 'student_id' : 'tutor_id';
    return (await this.db('lesson_series').where(column, userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit)).map(seriesOf);
  }

  /** Idempotent: writing the same outcome twice leaves one. */
  async recordWeek(outcome: WeekOutcome): Promise<void> {
    await this.db('lesson_series_weeks')
      .where({ series_id: outcome.seriesId, week: outcome.week })
      .update({ status: outcome.status, booking_id: outcome.bookingId ?? null, reason: outcome.reason ?? null, detail: outcome.detail ?? null, updated_at: this.db.fn.now() });
  }

  async setStatus(seriesId: string, status: SeriesStatus, cancel?: { reason: string }): Promise<void> {
    await this.db('lesson_series')
      .where({ id: seriesId })
      .update({ status, updated_at: this.db.fn.now(), ...(cancel ? { cancelled_at: this.db.raw('coalesce(cancelled_at, now())'), cancel_reason: cancel.reason } : {}) });
  }

  /** Whether the card pays a live series of the student's. */
  async cardPaysLiveSeries(studentId: string, paymentMethodId: string): Promise<boolean> {
    const row = await this.db('lesson_series').where({ student_id: studentId, payment_method_id: paymentMethodId, status: 'active' }).first('id');
    return row !== undefined;
  }
}
