import type { Knex } from 'knex';

/**
 * The bookings read model and its event log. The booking workflow is the only writer of both;
 * the API lists and searches them.
 *
 * No double booking, enforced by Postgres: a live booking holds the tutor's time from its start
 * until `blocked_until` (its end plus the tutor's buffer, computed when it is requested), and the
 * exclusion constraint refuses any other live booking whose held range overlaps it. Of two
 * concurrent requests for one slot exactly one insert succeeds. (blocked_until is stored rather
 * than generated: timestamptz + interval is not immutable, so Postgres cannot index it.)
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table bookings (
      id uuid primary key,
      student_id uuid not null references users (id),
      tutor_id uuid not null references users (id),
      status text not null check (status in
        ('PENDING_PAYMENT', 'REQUESTED', 'SCHEDULED', 'ACTIVE', 'ENDED', 'DECLINED', 'EXPIRED', 'CANCELLED', 'PAYMENT_FAILED')),
      session_start timestamptz not null,
      session_end timestamptz not null,
      blocked_until timestamptz not null,
      time_zone text not null,
      price_minor integer not null check (price_minor >= 0),
      currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
      commission_bps integer not null check (commission_bps between 0 and 10000),
      cancellation_policy text not null,
      instant boolean not null default false,
      request_expires_at timestamptz not null,
      idempotency_key text not null,
      request_hash text not null,

      payment_status text not null default 'pending',
      payment_intent_id text,
      charge_id text,
      transfer_id text,
      captured_minor integer not null default 0,
      refunded_minor integer not null default 0,
      paid_out_minor integer not null default 0,

      meeting_id text,
      meeting_join_url text,

      cancelled_by text,
      close_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (session_end > session_start),
      check (blocked_until >= session_end),
      check (student_id <> tutor_id),
      check (refunded_minor between 0 and captured_minor),
      unique (student_id, idempotency_key),
      constraint bookings_no_overlap exclude using gist (tutor_id with =, tstzrange(session_start, blocked_until, '[)') with &&)
        where (status in ('PENDING_PAYMENT', 'REQUESTED', 'SCHEDULED', 'ACTIVE'))
    )
  `);
  await knex.raw('create index bookings_student_start_idx on bookings (student_id, session_start desc)');
  await knex.raw('create index bookings_tutor_start_idx on bookings (tutor_id, session_start desc)');
  await knex.raw('create index bookings_status_idx on bookings (status)');

  // Every step of a booking's life, for its timeline and the admin audit trail. Writes are keyed,
  // so an activity that runs twice writes its event once.
  await knex.raw(`
    create table booking_events (
      id bigserial primary key,
      booking_id uuid not null references bookings (id) on delete cascade,
      type text not null,
      at timestamptz not null,
      actor text not null check (actor in ('student', 'tutor', 'admin', 'system')),
      actor_id uuid,
      dedupe_key text not null,
      data jsonb not null default '{}',
      created_at timestamptz not null default now(),
      unique (booking_id, dedupe_key)
    )
  `);
  await knex.raw('create index booking_events_booking_at_idx on booking_events (booking_id, at, id)');
  await knex.raw("create index booking_events_admin_idx on booking_events (actor_id, at desc) where actor = 'admin'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists booking_events');
  await knex.raw('drop table if exists bookings');
}
