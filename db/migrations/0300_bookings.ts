import type { Knex } from 'knex';

/**
 * The bookings read model. The booking workflow is its only writer of status; the API lists and
 * searches it.
 *
 * No double booking, enforced by Postgres: a live booking blocks the tutor's time from its start
 * until `blocked_until` (its end plus the tutor's buffer, computed when it is requested), and the
 * exclusion constraint refuses any other live booking whose blocked range overlaps it. Of two
 * concurrent requests for one slot exactly one insert succeeds. (blocked_until is stored rather
 * than generated: timestamptz + interval is not immutable, so Postgres cannot index it.)
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table bookings (
      id uuid primary key default gen_random_uuid(),
      student_id uuid not null references users (id),
      tutor_id uuid not null references users (id),
      status text not null check (status in ('REQUESTED', 'SCHEDULED', 'ACTIVE', 'ENDED', 'DECLINED', 'EXPIRED', 'CANCELLED')),
      payment_status text not null default 'pending',
      session_start timestamptz not null,
      session_end timestamptz not null,
      blocked_until timestamptz not null,
      time_zone text not null,
      price_minor integer not null check (price_minor >= 0),
      currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
      request_expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (session_end > session_start),
      check (blocked_until >= session_end),
      check (student_id <> tutor_id),
      constraint bookings_no_overlap exclude using gist (tutor_id with =, tstzrange(session_start, blocked_until, '[)') with &&)
        where (status in ('REQUESTED', 'SCHEDULED', 'ACTIVE'))
    )
  `);
  await knex.raw('create index bookings_student_start_idx on bookings (student_id, session_start desc)');
  await knex.raw('create index bookings_tutor_start_idx on bookings (tutor_id, session_start desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists bookings');
}
