import type { Knex } from 'knex';

/**
 * Every payment of a booking (the lesson's own, and one per reschedule to a longer lesson), as
 * Stripe answered the booking's payment activities: the bookings row names only the first payment's
 * intent, charge and transfer. One row per PaymentIntent; refunds and reversals are added once each
 * (their Stripe ids are kept), so an activity that runs again writes nothing twice. No foreign key
 * to bookings: a booking's first authorization may come before its row (the submit writes it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table booking_payments (
      payment_intent_id text primary key,
      booking_id uuid not null,
      step_prefix text not null default '',
      status text not null check (status in ('requires_action', 'authorized', 'failed', 'captured', 'released')),
      amount_authorized_minor integer not null check (amount_authorized_minor >= 0),
      charge_id text,
      amount_captured_minor integer not null default 0 check (amount_captured_minor >= 0),
      amount_refunded_minor integer not null default 0 check (amount_refunded_minor >= 0),
      refund_ids text[] not null default '{}',
      transfer_id text,
      transfer_amount_minor integer not null default 0 check (transfer_amount_minor >= 0),
      amount_reversed_minor integer not null default 0 check (amount_reversed_minor >= 0),
      reversal_ids text[] not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )
  `);
  await knex.raw('create index booking_payments_booking_idx on booking_payments (booking_id, created_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists booking_payments');
}
