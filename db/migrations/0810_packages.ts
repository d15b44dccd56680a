import type { Knex } from 'knex';

/**
 * Lesson packages (prepaid credits) and trial lessons.
 *
 * - package_offers: what a tutor sells (N lessons of one length at a discount); retired, never deleted.
 * - lesson_packages: one bought package, written by its package workflow (the single writer of its
 *   money). `credits_left` is the lockable projection of the ledger: a booking takes a credit with
 *   one conditional update under a row lock, and the check constraint refuses a negative balance,
 *   so two bookings racing for the last credit cannot both win.
 * - credit_entries: the append-only credit ledger (purchase +N, consume −1, return +1, expire −n,
 *   refund −n); a trigger refuses updates and deletes. `dedupe_key` makes every writer idempotent
 *   (an activity that runs twice writes one entry). Balance per student, tutor and lesson length =
 *   sum(credits).
 * - trial_offers / trial_lessons: one discounted (or free) first lesson per student–tutor pair. The
 *   primary key of trial_lessons is what refuses a second trial, also for two requests at once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table package_offers (
      id uuid primary key default gen_random_uuid(),
      tutor_id uuid not null references users (id) on delete cascade,
      lessons integer not null check (lessons between 2 and 50),
      length_minutes integer not null check (length_minutes between 15 and 240),
      discount_bps integer not null check (discount_bps between 0 and 5000),
      price_minor integer not null check (price_minor > 0),
      currency char(3) not null,
      retired_at timestamptz,
      created_at timestamptz not null default now()
    )
  `);
  await knex.raw('create index package_offers_tutor_idx on package_offers (tutor_id, created_at) where retired_at is null');

  await knex.raw(`
    create table lesson_packages (
      id uuid primary key,
      offer_id uuid not null references package_offers (id),
      student_id uuid not null references users (id) on delete cascade,
      tutor_id uuid not null references users (id) on delete cascade,
      lessons integer not null check (lessons > 0),
      length_minutes integer not null,
      price_minor integer not null check (price_minor > 0),
      currency char(3) not null,
      commission_bps integer not null,
      status text not null default 'pending' check (status in ('pending', 'active', 'payment_failed', 'expired', 'refunded')),
      payment_intent_id text,
      charge_id text,
      payment_failure text,
      captured_minor integer not null default 0,
      refunded_minor integer not null default 0,
      paid_out_minor integer not null default 0,
      credits_left integer not null default 0 check (credits_left >= 0 and credits_left <= lessons),
      expires_at timestamptz not null,
      request_hash text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (refunded_minor + paid_out_minor <= captured_minor)
    )
  `);
  await knex.raw('create index lesson_packages_balance_idx on lesson_packages (student_id, tutor_id, length_minutes, expires_at) where status = \'active\' and credits_left > 0');

  await knex.raw(`
    create table credit_entries (
      id bigserial primary key,
      package_id uuid not null references lesson_packages (id) on delete cascade,
      student_id uuid not null,
      tutor_id uuid not null,
      length_minutes integer not null,
      kind text not null check (kind in ('purchase', 'consume', 'return', 'expire', 'refund')),
      credits integer not null check (credits <> 0),
      booking_id uuid,
      amount_minor integer,
      dedupe_key text not null unique,
      created_at timestamptz not null default now(),
      check ((kind in ('purchase', 'return')) = (credits > 0))
    )
  `);
  await knex.raw('create index credit_entries_balance_idx on credit_entries (student_id, tutor_id, length_minutes)');
  await knex.raw('create index credit_entries_package_idx on credit_entries (package_id, id)');
  await knex.raw(`
    create function credit_entries_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'credit_entries is append-only' using errcode = '23514';
    end $$
  `);
  await knex.raw('create trigger credit_entries_append_only before update or delete on credit_entries for each row execute function credit_entries_append_only()');

  await knex.raw(`
    create table trial_offers (
      tutor_id uuid primary key references users (id) on delete cascade,
      length_minutes integer not null check (length_minutes between 15 and 240),
      price_minor integer not null check (price_minor >= 0),
      currency char(3) not null,
      updated_at timestamptz not null default now()
    )
  `);
  await knex.raw(`
    create table trial_lessons (
      student_id uuid not null references users (id) on delete cascade,
      tutor_id uuid not null references users (id) on delete cascade,
      booking_id uuid not null unique,
      created_at timestamptz not null default now(),
      primary key (student_id, tutor_id)
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists trial_lessons');
  await knex.raw('drop table if exists trial_offers');
  await knex.raw('drop table if exists credit_entries');
  await knex.raw('drop function if exists credit_entries_append_only()');
  await knex.raw('drop table if exists lesson_packages');
  await knex.raw('drop table if exists package_offers');
}
