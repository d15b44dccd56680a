import type { Knex } from 'knex';

/**
 * The admin console's accounts and audit log.
 *
 * - users.status: why an account cannot sign in. `disabled_at`, which every sign-in path already
 *   checks, stays the switch, set with every status but `active`. A suspension is lifted by an
 *   admin; a ban is meant to stay (an admin may still lift a mistaken one); `deleted` is the
 *   account's own erasure (GDPR), never lifted.
 * - admin_actions: what admins did to users and reviews, with the reason. Ids come from the booking
 *   events' sequence, so the audit log (admin booking events and these, one list) pages by one
 *   keyset (at, id) with ids unique across both. The Idempotency-Key of an admin action is kept
 *   here: the same key is the same action.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table users
      add column status text not null default 'active' check (status in ('active', 'suspended', 'banned', 'deleted')),
      add column status_reason text check (length(status_reason) <= 500),
      add column status_changed_at timestamptz,
      add column status_changed_by uuid references users (id) on delete set null,
      add column deleted_at timestamptz
  `);
  await knex.raw("update users set status = 'suspended', status_reason = 'disabled before suspensions existed', status_changed_at = disabled_at where disabled_at is not null");
  await knex.raw('create index users_created_idx on users (created_at desc, id desc)');
  await knex.raw("create index users_status_idx on users (status) where status <> 'active'");

  await knex.raw(`
    create table admin_actions (
      id bigint primary key default nextval('booking_events_id_seq'),
      admin_id uuid references users (id) on delete set null,
      user_id uuid references users (id) on delete set null,
      review_id uuid references reviews (id) on delete set null,
      type text not null,
      reason text not null check (length(reason) between 1 and 500),
      data jsonb not null default '{}',
      idempotency_key text check (length(idempotency_key) <= 200),
      request_hash text,
      at timestamptz not null default now(),
      unique (admin_id, idempotency_key)
    )
  `);
  await knex.raw('create index admin_actions_at_idx on admin_actions (at desc, id desc)');
  await knex.raw('create index admin_actions_user_idx on admin_actions (user_id, at desc) where user_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists admin_actions');
  await knex.raw('alter table users drop column if exists deleted_at, drop column if exists status_changed_by, drop column if exists status_changed_at, drop column if exists status_reason, drop column if exists status');
}
