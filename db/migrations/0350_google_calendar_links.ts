import type { Knex } from 'knex';

/**
 * A user's connected Google Calendar: the refresh token they granted (sealed with a key derived
 * from SECRET_KEY, never stored in the clear) and the calendar booked lessons are written to.
 * Users without a row have not connected Google; the booking's calendar sync skips them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table google_calendar_links (
      user_id uuid primary key references users (id) on delete cascade,
      refresh_token_encrypted text not null check (refresh_token_encrypted like 'v1.%'),
      calendar_id text not null default 'primary' check (length(calendar_id) between 1 and 1024),
      connected_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists google_calendar_links');
}
