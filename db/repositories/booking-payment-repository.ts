/**
 * Every payment of a booking, as its payment activities record what Stripe answered (migration
 * 0880): the lesson's own PaymentIntent and one per reschedule to a longer lesson. Each write is
 * idempotent (an activity retried after a crash writes the same row): upserts by intent, and a
 * refund or reversal counted once by its Stripe id.
 */
import type { Knex } from 'knex';

export type BookingPaymentStatus = 'requires_action' | 'authorized' | 'failed' | 'captured' | 'released';

export interface BookingPayment {
  paymentIntentId: string;
  bookingId: string;
  /** '' for the lesson's own payment, `reprice-<n>:` for a longer lesson's difference (its Stripe steps' prefix). */
  stepPrefix: string;
  status: BookingPaymentStatus;
  amountAuthorizedMinor: number;
  chargeId: string | null;
  amountCapturedMinor: number;
  amountRefundedMinor: number;
  transferId: string | null;
  transferAmountMinor: number;
  amountReversedMinor: number;
  createdAt: Date;
}

interface PaymentRow {
  payment_intent_id: string;
  booking_id: string;
  step_prefix: string;
  status: BookingPaymentStatus;
  amount_authorized_minor: number;
  charge_id: string | null;
  amount_captured_minor: number;
  amount_refunded_minor: number;
  transfer_id: string | null;
  transfer_amount_minor: number;
  amount_reversed_minor: number;
  created_at: Date;
}

function toPayment(row: PaymentRow): BookingPayment {
  return {
    paymentIntentId: row.payment_intent_id,
    bookingId: row.booking_id,
    stepPrefix: row.step_prefix,
    status: row.status,
    amountAuthorizedMinor: row.amount_authorized_minor,
    chargeId: row.charge_id,
    amountCapturedMinor: row.amount_captured_minor,
    amountRefundedMinor: row.amount_refunded_minor,
    transferId: row.transfer_id,
    transferAmountMinor: row.transfer_amount_minor,
    amountReversedMinor: row.amount_reversed_minor,
    createdAt: row.created_at,
  };
}

export class BookingPaymentRepository {
  constructor(private readonly db: Knex) {}

  /** The booking's payments, oldest first (the order the money rules split amounts by). */
  async forBooking(bookingId: string): Promise<BookingPayment[]> {
    const rows = await this.db<PaymentRow>('booking_payments').where({ booking_id: bookingId }).orderBy([{ column: 'created_at' }, { column: 'payment_intent_id' }]);
    return rows.map(toPayment);
  }

  /** An authorization's answer; a payment already captured or released keeps its state. */
  async authorized(args: { paymentIntentId: string; bookingId: string; stepPrefix: string; amountMinor: number; status: 'requires_action' | 'authorized' | 'failed' }): Promise<void> {
    await this.db.raw(
      `insert into booking_payments (payment_intent_id, booking_id, step_prefix, status, amount_authorized_minor)
       values (?, ?, ?, ?, ?)
       on conflict (payment_intent_id) do update set status = excluded.status, updated_at = now()
       where booking_payments.status not in ('captured', 'released')`,
      [args.paymentIntentId, args.bookingId, args.stepPrefix, args.status, args.amountMinor],
    );
  }

  /** A capture (a row the authorization did not write, e.g. before this table, is created here). */
  async captured(args: { paymentIntentId: string; bookingId: string; stepPrefix: string; chargeId: string; amountMinor: number }): Promise<void> {
    await this.db.raw(
      `insert into booking_payments (payment_intent_id, booking_id, step_prefix, status, amount_authorized_minor, charge_id, amount_captured_minor)
       values (?, ?, ?, 'captured', ?, ?, ?)
       on conflict (payment_intent_id) do update
         set status = 'captured', charge_id = excluded.charge_id, amount_captured_minor = excluded.amount_captured_minor, updated_at = now()`,
      [args.paymentIntentId, args.bookingId, args.stepPrefix, args.amountMinor, args.chargeId, args.amountMinor],
    );
  }

  async released(paymentIntentId: string): Promise<void> {
    await this.db('booking_payments').where({ payment_intent_id: paymentIntentId }).whereNot({ status: 'captured' }).update({ status: 'released', updated_at: this.db.fn.now() });
  }

  /** A refund, counted once by its Stripe id. */
  async refunded(args: { paymentIntentId: string; refundId: string; amountMinor: number }): Promise<void> {
    await this.db.raw(
      `update booking_payments
          set amount_refunded_minor = amount_refunded_minor + ?, refund_ids = array_append(refund_ids, ?), updated_at = now()
        where payment_intent_id = ? and not (? = any(refund_ids))`,
      [args.amountMinor, args.refundId, args.paymentIntentId, args.refundId],
    );
  }

  /** The transfer of this payment's charge (one per charge). */
  async transferred(args: { chargeId: string; transferId: string; amountMinor: number }): Promise<void> {
    await this.db('booking_payments').where({ charge_id: args.chargeId }).update({ transfer_id: args.transferId, transfer_amount_minor: args.amountMinor, updated_at: this.db.fn.now() });
  }

  /** A reversal of this payment's transfer, counted once by its Stripe id. */
  async reversed(args: { transferId: string; reversalId: string; amountMinor: number }): Promise<void> {
    await this.db.raw(
      `update booking_payments
          set amount_reversed_minor = amount_reversed_minor + ?, reversal_ids = array_append(reversal_ids, ?), updated_at = now()
        where transfer_id = ? and not (? = any(reversal_ids))`,
      [args.amountMinor, args.reversalId, args.transferId, args.reversalId],
    );
  }
}
