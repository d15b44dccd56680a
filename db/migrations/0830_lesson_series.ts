import type { Knex } from 'knex';

/**
 * Weekly lesson series: a student's standing weekly lesson with one tutor. The series' workflow
 * (one per series) books each week as its own booking, a few days ahead; these tables are its
 * read model. The API inserts the series and its weeks once (the Idempotency-Key's id makes a
 * retry insert nothing), and from then on only the series' workflow writes them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table lesson_series (
      id uuid primary key,
      student_id uuid not null references users (id) on delete cascade,
      tutor_id uuid not null references users (id) on delete cascade,
      length_minutes integer not null check (length_minutes > 0),
      weeks integer not null check (weeks between 1 and 104),
      payment_method_id text not null,
      time_zone text not null,
      status text not null default 'active' check (status in ('active', 'completed', 'cancelled')),
      request_hash text not null,
      cancelled_at timestamptz,
      cancel_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )
  `);
  await knex.raw('create index lesson_series_student_idx on lesson_series (student_id, created_at desc)');
  await knex.raw('create index lesson_series_tutor_idx on lesson_series (tutor_id, created_at desc)');
  // A saved card that pays a live series may not be removed.
  await knex.raw("create index lesson_series_card_idx on lesson_series (student_id, payment_method_id) where status = 'active'");
  await knex.raw(`
    create table lesson_series_weeks (
      series_id uuid not null references lesson_series (id) on delete cascade,
      week integer not null check (week >= 0),
      session_start timestamptz not null,
      session_end timestamptz not null,
      status text not null default 'upcoming' check (status in ('upcoming', 'booked', 'taken', 'skipped', 'cancelled')),
      -- No foreign key: the booking's own workflow inserts its row, possibly a moment after the series learns its id.
      booking_id uuid,
      reason text,
      detail text,
      updated_at timestamptz not null default now(),
      primary key (series_id, week),
      check ((status = 'taken') = (reason is not null))
    )
  `);
  await knex.raw('create index lesson_series_weeks_booking_idx on lesson_series_weeks (booking_id) where booking_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists lesson_series_weeks');
  await knex.raw('drop table if exists lesson_series');
}
