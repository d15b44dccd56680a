import type { Knex } from 'knex';

/**
 * Every email the platform sends, one row per message, written in the same transaction as the
 * change that causes it and sent after that transaction commits. The dedupe key makes enqueueing
 * idempotent (a retried request or activity enqueues nothing new); the status moves
 * pending → sending → sent | failed, and a row is claimed (pending → sending) by exactly one sender
 * before any call to Brevo, so a message is never sent twice.
 *
 * `sensitive` messages (links carrying a sign-in secret) lose their params once they leave the
 * pending state: the token in a link must not outlive its delivery in a table copy.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table email_outbox (
      id uuid primary key default gen_random_uuid(),
      dedupe_key text not null unique check (length(dedupe_key) between 1 and 200),
      template text not null,
      recipient_email citext not null,
      recipient_name text,
      params jsonb not null default '{}'::jsonb,
      sensitive boolean not null default false,
      status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
      attempts integer not null default 0 check (attempts >= 0),
      next_attempt_at timestamptz not null default now(),
      claimed_at timestamptz,
      last_error text,
      provider_message_id text,
      sent_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )
  `);
  await knex.raw("create index email_outbox_due_idx on email_outbox (next_attempt_at) where status = 'pending'");
  await knex.raw("create index email_outbox_sending_idx on email_outbox (claimed_at) where status = 'sending'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists email_outbox');
}
