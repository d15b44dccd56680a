import type { Knex } from 'knex';

/**
 * When a tutor teaches: a regular week, exceptions on given dates, and scheduling settings.
 *
 * Times are local wall time in the tutor's zone (tutor_profiles.time_zone), in minutes from
 * midnight, and dates are the tutor's local dates: "Mondays 09:00–12:00" must stay 09:00–12:00 on
 * the tutor's clock on both sides of a DST change, so the rules are stored as the tutor said them
 * and expanded into instants only when slots are computed (domain/availability).
 *
 * Weekdays are numbered as JavaScript's Date#getDay: 0 = Sunday … 6 = Saturday.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table availability_rules (
      id bigint generated always as identity primary key,
      tutor_id uuid not null references tutor_profiles (user_id) on delete cascade,
      weekday smallint not null check (weekday between 0 and 6),
      start_minute smallint not null check (start_minute between 0 and 1439),
      end_minute smallint not null check (end_minute between 1 and 1440),
      check (end_minute > start_minute),
      -- Touching spans (09:00–12:00, 12:00–15:00) are fine; overlapping ones are refused. Its GiST
      -- index also serves the lookups by tutor and by (tutor, weekday) (the search's pre-filter).
      constraint availability_rules_no_overlap exclude using gist (
        tutor_id with =, weekday with =, int4range(start_minute, end_minute, '[)') with &&
      )
    )
  `);

  await knex.raw(`
    create table availability_overrides (
      id uuid primary key default gen_random_uuid(),
      tutor_id uuid not null references tutor_profiles (user_id) on delete cascade,
      local_date date not null,
      kind text not null check (kind in ('extra', 'off')),
      -- Both null: the whole day, which only time off may be.
      start_minute smallint check (start_minute between 0 and 1439),
      end_minute smallint check (end_minute between 1 and 1440),
      created_at timestamptz not null default now(),
      check ((start_minute is null) = (end_minute is null)),
      check (start_minute is not null or kind = 'off'),
      check (end_minute > start_minute)
    )
  `);
  await knex.raw('create index availability_overrides_tutor_date_idx on availability_overrides (tutor_id, local_date)');

  await knex.raw(`
    create table tutor_scheduling (
      tutor_id uuid primary key references tutor_profiles (user_id) on delete cascade,
      buffer_minutes smallint not null default 0 check (buffer_minutes between 0 and 240),
      minimum_notice_minutes integer not null default 720 check (minimum_notice_minutes between 0 and 43200),
      booking_horizon_days smallint not null default 60 check (booking_horizon_days between 1 and 365),
      slot_step_minutes smallint not null default 30 check (slot_step_minutes in (5, 10, 15, 20, 30, 60)),
      updated_at timestamptz not null default now()
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists tutor_scheduling');
  await knex.raw('drop table if exists availability_overrides');
  await knex.raw('drop table if exists availability_rules');
}
