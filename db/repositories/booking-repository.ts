/**
 * Every query on bookings and their event log. Writes come from the booking workflow's activities
 * (the workflow is the single writer of a booking's lifecycle); reads serve the API.
 */
import type { Knex } from 'knex';
import { Booking, BookingEvent } from '../models/booking.js';
import type { BookingStatus } from '../../domain/booking-status.js';
import type { PaidWith } from '../../domain/booking-terms.js';

export interface NewBooking {
  id: string;
  studentId: string;
  tutorId: string;
  sessionStart: Date;
  sessionEnd: Date;
  blockedUntil: Date;
  timeZone: string;
  priceMinor: number;
  currency: string;
  commissionBps: number;
  cancellationPolicy: string;
  instant: boolean;
  requestExpiresAt: Date;
  idempotencyKey: string;
  requestHash: string;
  paidWith: PaidWith;
  packageId: string | null;
}

export type NewBookingEvent = Pick<BookingEvent, 'bookingId' | 'type' | 'at' | 'actor' | 'actorId' | 'dedupeKey' | 'data'>;

export interface BookingListFilter {
  userId: string;
  role: 'student' | 'tutor';
  statuses?: BookingStatus[];
  from?: Date;
  to?: Date;
  /** Keyset cursor: (session_start, id) of the last row of the previous page, newest first. */
  before?: { sessionStart: Date; id: string };
  limit: number;
}

/** Which live booking an insert or a move ran into: the tutor's time or the student's own lessons. */
export type OverlapKind = 'slot_taken' | 'student_busy';

const OVERLAP_CONSTRAINTS: Record<string, OverlapKind> = {
  bookings_no_overlap: 'slot_taken',
  bookings_student_no_overlap: 'student_busy',
};

/** objection wraps the driver's error (db-errors); the Postgres code and constraint are on nativeError. */
function overlapOf(error: unknown): OverlapKind | undefined {
  const wrapped = error as { nativeError?: unknown };
  const pgError = (wrapped.nativeError ?? error) as { code?: string; constraint?: string };
  return pgError.code === '23P01' && pgError.constraint ? OVERLAP_CONSTRAINTS[pgError.constraint] : undefined;
}

const LIVE_STATUSES: BookingStatus[] = ['PENDING_PAYMENT', 'REQUESTED', 'SCHEDULED', 'ACTIVE'];

export class BookingRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Inserts the booking in PENDING_PAYMENT; 'slot_taken' when a live booking of the tutor overlaps
   * its held time, 'student_busy' when one of the student's own live bookings overlaps the lesson.
   */
  async reserve(booking: NewBooking): Promise<'reserved' | OverlapKind> {
    try {
      // ON CONFLICT (id): a retried activity finds its own row and succeeds again.
      await Booking.query(this.db)
        .insert({ ...booking, status: 'PENDING_PAYMENT' })
        .onConflict('id')
        .ignore();
      return 'reserved';
    } catch (error) {
      const overlap = overlapOf(error);
      if (overlap) return overlap;
      throw error;
    }
  }

  /** Moves a booking (reschedule); a new length's price travels with it when given. */
  async moveTimes(id: string, sessionStart: Date, sessionEnd: Date, priceMinor?: number): Promise<'moved' | OverlapKind> {
    try {
      // The buffer travels with the booking: blocked_until keeps its distance from the end.
      await this.db('bookings')
        .where({ id })
        .update({
          session_start: sessionStart,
          session_end: sessionEnd,
          blocked_until: this.db.raw('?::timestamptz + (blocked_until - session_end)', [sessionEnd]),
          ...(priceMinor !== undefined ? { price_minor: priceMinor } : {}),
          updated_at: this.db.fn.now(),
        });
      return 'moved';
    } catch (error) {
      const overlap = overlapOf(error);
      if (overlap) return overlap;
      throw error;
    }
  }

  async setStatus(id: string, status: BookingStatus, extra: { cancelledBy?: string | null; closeReason?: string | null } = {}, trx?: Knex.Transaction): Promise<void> {
    await Booking.query(trx ?? this.db)
      .findById(id)
      .patch({ status, ...extra, updatedAt: new Date() });
  }

  async setPayment(id: string, patch: Partial<Pick<Booking, 'paymentStatus' | 'paymentIntentId' | 'chargeId' | 'transferId' | 'capturedMinor' | 'refundedMinor' | 'paidOutMinor'>>): Promise<void> {
    await Booking.query(this.db)
      .findById(id)
      .patch({ ...patch, updatedAt: new Date() });
  }

  async setMeeting(id: string, meeting: { meetingId: string | null; meetingJoinUrl: string | null }): Promise<void> {
    await Booking.query(this.db)
      .findById(id)
      .patch({ ...meeting, updatedAt: new Date() });
  }

  async setAttention(id: string, attention: { reason: string | null; since: Date | null }): Promise<void> {
    await Booking.query(this.db)
      .findById(id)
      .patch({ attentionReason: attention.reason, attentionSince: attention.since, updatedAt: new Date() });
  }

  /** Appends an event once per (booking, dedupe key): a retried activity writes nothing new. */
  async appendEvent(event: NewBookingEvent, trx?: Knex.Transaction): Promise<void> {
    await BookingEvent.query(trx ?? this.db)
      .insert(event)
      .onConflict(['booking_id', 'dedupe_key'])
      .ignore();
  }

  /** The student's live booking (other than `exceptId`) whose lesson overlaps [start, end), if any. */
  async studentOverlap(studentId: string, start: Date, end: Date, exceptId?: string): Promise<Booking | undefined> {
    const query = Booking.query(this.db)
      .where('student_id', studentId)
      .whereIn('status', LIVE_STATUSES)
      .where('session_start', '<', end)
      .where('session_end', '>', start)
      .orderBy('session_start')
      .first();
    if (exceptId) query.whereNot('id', exceptId);
    return query;
  }

  /**
   * A tutor's no-shows for admins, from the event log: bookings where a student reported the tutor
   * absent, and those where it was confirmed (uncontested in time, or an admin refunded on it).
   */
  async tutorNoShows(tutorId: string): Promise<{ reported: number; confirmed: number }> {
    const row = await this.db('booking_events as e')
      .join('bookings as b', 'b.id', 'e.booking_id')
      .where('b.tutor_id', tutorId)
      .whereRaw("e.data->>'absent' = 'tutor'")
      .select(
        this.db.raw("count(distinct e.booking_id) filter (where e.type = 'no_show.reported')::int as reported"),
        this.db.raw("count(distinct e.booking_id) filter (where e.type = 'no_show.confirmed')::int as confirmed"),
      )
      .first();
    return { reported: Number(row?.reported ?? 0), confirmed: Number(row?.confirmed ?? 0) };
  }

  async findById(id: string): Promise<Booking | undefined> {
    return Booking.query(this.db).findById(id);
  }

  async findByPaymentIntentId(paymentIntentId: string): Promise<Booking | undefined> {
    return Booking.query(this.db).findOne('payment_intent_id', paymentIntentId);
  }

  /** One party's bookings, newest lesson first. */
  async list(filter: BookingListFilter): Promise<Booking[]> {
    return this.page(filter).where(filter.role === 'student' ? 'student_id' : 'tutor_id', filter.userId);
  }

  /**
   * Every booking, for admins: by status, dates, tutor, student and attention (the ones that wait
   * for a person, oldest first would be a sort of its own; newest lesson first keeps one cursor).
   */
  async listAll(filter: Omit<BookingListFilter, 'userId' | 'role'> & { attention?: boolean; tutorId?: string; studentId?: string }): Promise<Booking[]> {
    const query = this.page(filter);
    if (filter.attention === true) query.whereNotNull('attention_reason');
    if (filter.attention === false) query.whereNull('attention_reason');
    if (filter.tutorId) query.where('tutor_id', filter.tutorId);
    if (filter.studentId) query.where('student_id', filter.studentId);
    return query;
  }

  private page(filter: Omit<BookingListFilter, 'userId' | 'role'>) {
    const query = Booking.query(this.db)
      .orderBy([
        { column: 'session_start', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit);
    if (filter.statuses?.length) query.whereIn('status', filter.statuses);
    if (filter.from) query.where('session_start', '>=', filter.from);
    if (filter.to) query.where('session_start', '<', filter.to);
    if (filter.before) query.whereRaw('(session_start, id) < (?, ?)', [filter.before.sessionStart, filter.before.id]);
    return query;
  }

  async events(bookingId: string): Promise<BookingEvent[]> {
    return BookingEvent.query(this.db).where({ booking_id: bookingId }).orderBy([{ column: 'at' }, { column: 'id' }]);
  }

  /** Admin actions across all bookings, newest first: the audit log. */
}
