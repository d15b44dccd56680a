import type { Knex } from 'knex';

/**
 * One row per Google sign-in in progress: the `state` sent to Google (stored as SHA-256), bound to
 * the PKCE code verifier and to what the start request asked for. The callback deletes the row as it
 * reads it, so a state works once, and only until it expires.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table oauth_states (
      state_hash text primary key check (state_hash ~ '^[0-9a-f]{64}$'),
      provider text not null check (provider in ('google')),
      code_verifier text not null,
      role text not null check (role in ('student', 'tutor')),
      time_zone text,
      expires_at timestamptz not null,
      created_at timestamptz not null default now()
    )
  `);
  await knex.raw('create index oauth_states_expires_idx on oauth_states (expires_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists oauth_states');
}
