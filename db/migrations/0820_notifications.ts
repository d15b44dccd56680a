import type { Knex } from 'knex';

/**
 * In-app notifications, each person's notification preferences, and each person's language.
 *
 * A notification is keyed per recipient by `dedupe_key` (e.g. `booking:<id>:<step>`), so a retried
 * activity or request stores it once. Its title and body are rendered in the recipient's language
 * and time zone when it is stored (the same words as the email), so listing needs no templates.
 * Preferences hold only what a person changed: a kind without a row is on for both channels.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table users add column language text not null default 'en' check (language in ('en', 'de'))`);
  await knex.raw(`
    create table notifications (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      kind text not null check (length(kind) between 1 and 60),
      dedupe_key text not null check (length(dedupe_key) between 1 and 200),
      title text not null check (length(title) <= 300),
      body text not null check (length(body) <= 2000),
      data jsonb not null default '{}'::jsonb,
      read_at timestamptz,
      created_at timestamptz not null default now(),
      unique (user_id, dedupe_key)
    )
  `);
  // A person's list, newest first, keyset-paged by (created_at, id); and their unread ones alone.
  await knex.raw('create index notifications_user_idx on notifications (user_id, created_at desc, id desc)');
  await knex.raw('create index notifications_unread_idx on notifications (user_id, created_at desc, id desc) where read_at is null');
  await knex.raw(`
    create table notification_preferences (
      user_id uuid not null references users (id) on delete cascade,
      kind text not null check (length(kind) between 1 and 60),
      in_app boolean not null,
      email boolean not null,
      updated_at timestamptz not null default now(),
      primary key (user_id, kind)
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists notification_preferences');
  await knex.raw('drop table if exists notifications');
  await knex.raw('alter table users drop column if exists language');
}
