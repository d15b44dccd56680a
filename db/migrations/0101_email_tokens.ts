import type { Knex } from 'knex';

/**
 * Single-use, expiring tokens sent by email: address verification and password reset. Stored as
 * SHA-256 only. `email` is the address the link went to, so verifying proves that address (and not
 * one the account changed to later).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table email_tokens (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      purpose text not null check (purpose in ('verify_email', 'reset_password')),
      email citext not null,
      token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    )
  `);
  await knex.raw('create index email_tokens_open_by_user_idx on email_tokens (user_id, purpose) where used_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists email_tokens');
}
