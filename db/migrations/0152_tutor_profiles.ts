import type { Knex } from 'knex';

/**
 * A tutor's public profile, their subjects and the languages they teach in. The column set is a
 * contract with availability and search, which read it: add columns, never rename or drop one.
 * Lesson lengths are whole quarter hours from 15 minutes to 4 hours (checked as "contained in the
 * set of allowed values", which a CHECK can express without a subquery).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table tutor_profiles (
      user_id uuid primary key references users (id) on delete cascade,
      headline text not null default '' check (length(headline) <= 120),
      bio text not null default '' check (length(bio) <= 5000),
      hourly_rate_minor integer not null check (hourly_rate_minor between 100 and 100000000),
      currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
      lesson_lengths integer[] not null default '{60}' check (
        cardinality(lesson_lengths) >= 1
        and lesson_lengths <@ '{15,30,45,60,75,90,105,120,135,150,165,180,195,210,225,240}'::integer[]
      ),
      time_zone text not null,
      instant_booking boolean not null default false,
      cancellation_policy text not null default 'moderate' check (cancellation_policy in ('flexible', 'moderate', 'strict')),
      verification_status text not null default 'unverified' check (verification_status in ('unverified', 'pending', 'verified', 'rejected')),
      rating_average numeric(3, 2) check (rating_average between 0 and 5),
      rating_count integer not null default 0 check (rating_count >= 0),
      stripe_account_id text unique,
      payouts_enabled boolean not null default false,
      -- When Stripe last said so (the event's time): webhooks arrive out of order, older ones lose.
      payouts_updated_at timestamptz,
      avatar_file_id uuid references files (id) on delete set null,
      published boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )
  `);
  await knex.raw(`
    create table tutor_subjects (
      tutor_id uuid not null references tutor_profiles (user_id) on delete cascade,
      subject_id text not null references subjects (id),
      primary key (tutor_id, subject_id)
    )
  `);
  await knex.raw(`
    create table tutor_languages (
      tutor_id uuid not null references tutor_profiles (user_id) on delete cascade,
      language text not null check (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
      primary key (tutor_id, language)
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists tutor_languages');
  await knex.raw('drop table if exists tutor_subjects');
  await knex.raw('drop table if exists tutor_profiles');
}
