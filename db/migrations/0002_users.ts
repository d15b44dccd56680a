import type { Knex } from 'knex';

/**
 * Everyone who signs in: students, tutors and admins. Email is case-insensitive (citext); a
 * Google-only account has no password hash; a Google account is keyed on Google's `sub`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table users (
      id uuid primary key default gen_random_uuid(),
      email citext not null unique,
      email_verified_at timestamptz,
      password_hash text,
      google_sub text unique,
      role text not null check (role in ('student', 'tutor', 'admin')),
      display_name text not null check (length(display_name) between 1 and 120),
      time_zone text not null default 'UTC',
      disabled_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )
  `);
  await knex.raw('create index users_role_idx on users (role)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists users');
}
