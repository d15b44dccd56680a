/**
 * Money read from the bookings read model (which the booking workflows write) and its event log:
 * a tutor's lessons with money on them, a booking's payment events, a student's open card holds.
 */
import type { Knex } from 'knex';

export interface TutorLessonMoney {
  /** The lesson's month, YYYY-MM, in UTC. */
  month: string;
  currency: string;
  status: string;
  capturedMinor: number;
  refundedMinor: number;
  paidOutMinor: number;
  reversedMinor: number;
  commissionBps: number;
}

export interface PaymentEvent {
  type: string;
  at: Date;
  data: Record<string, unknown>;
}

export class EarningsRepository {
  constructor(private readonly db: Knex) {}

  /** The tutor's lessons from `since` on that had money captured, with what was taken back after payout. */
  async tutorLessons(tutorId: string, since: Date): Promise<TutorLessonMoney[]> {
    const rows = await this.db('bookings as b')
      .where('b.tutor_id', tutorId)
      .where('b.session_start', '>=', since)
      .where('b.captured_minor', '>', 0)
      .select(
        this.db.raw(`to_char(b.session_start at time zone 'UTC', 'YYYY-MM') as month`),
        'b.currency',
        'b.status',
        'b.captured_minor',
        'b.refunded_minor',
        'b.paid_out_minor',
        'b.commission_bps',
        this.db.raw(`(select coalesce(sum((e.data->>'amountMinor')::bigint), 0) from booking_events e where e.booking_id = b.id and e.type = 'payout.reversed') as reversed_minor`),
      );
    return rows.map((row: Record<string, unknown>) => ({
      month: row.month as string,
      currency: row.currency as string,
      status: row.status as string,
      capturedMinor: Number(row.captured_minor),
      refundedMinor: Number(row.refunded_minor),
      paidOutMinor: Number(row.paid_out_minor),
      reversedMinor: Number(row.reversed_minor),
      commissionBps: Number(row.commission_bps),
    }));
  }

  /** A booking's money events (captures, refunds, payouts), oldest first. */
  async paymentEvents(bookingId: string): Promise<PaymentEvent[]> {
    const rows = await this.db('booking_events')
      .where('booking_id', bookingId)
      .whereIn('type', ['payment.captured', 'payment.released', 'refund.issued'])
      .orderBy('at')
      .orderBy('id')
      .select('type', 'at', 'data');
    return rows as PaymentEvent[];
  }

  /** The student's bookings whose card is held or about to be (not captured yet): their PaymentIntents, null while being created. */
  async openHolds(studentId: string): Promise<{ bookingId: string; paymentIntentId: string | null }[]> {
    const rows = await this.db('bookings')
      .where('student_id', studentId)
      .whereIn('status', ['PENDING_PAYMENT', 'REQUESTED'])
      .whereIn('payment_status', ['pending', 'requires_action', 'authorized'])
      .select('id', 'payment_intent_id');
    return rows.map((row: { id: string; payment_intent_id: string | null }) => ({ bookingId: row.id, paymentIntentId: row.payment_intent_id }));
  }
}
