import type { Knex } from 'knex';

/**
 * Sign-in sessions and their rotating refresh tokens. A session is one refresh-token family: its id
 * is the `sid` every access token of that sign-in carries. Refresh tokens are opaque random strings
 * stored only as their SHA-256, so a copy of this table lets nobody sign in. Each token is used
 * once: a refresh marks it used and issues the next one; presenting a used token again means it was
 * stolen (or replayed), and the whole session is revoked.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table auth_sessions (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      method text not null check (method in ('password', 'google')),
      created_at timestamptz not null default now(),
      refreshed_at timestamptz,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      revoked_reason text check (revoked_reason in ('logout', 'refresh_token_reuse', 'password_reset', 'account_disabled')),
      check ((revoked_at is null) = (revoked_reason is null))
    )
  `);
  await knex.raw('create index auth_sessions_live_by_user_idx on auth_sessions (user_id) where revoked_at is null');

  await knex.raw(`
    create table refresh_tokens (
      id uuid primary key default gen_random_uuid(),
      session_id uuid not null references auth_sessions (id) on delete cascade,
      token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    )
  `);
  await knex.raw('create index refresh_tokens_session_idx on refresh_tokens (session_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists refresh_tokens');
  await knex.raw('drop table if exists auth_sessions');
}
