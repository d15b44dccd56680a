import type { Knex } from 'knex';

/**
 * GDPR exports: a user's JSON archive, built in the background by a Temporal workflow
 * (`data-export-<id>`), stored in object storage under `object_key`, handed out as short-lived
 * presigned links. A row per request; deleting the account removes the rows and their objects.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table data_exports (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      status text not null default 'pending' check (status in ('pending', 'ready', 'failed')),
      object_key text,
      size_bytes bigint,
      failure text,
      requested_at timestamptz not null default now(),
      ready_at timestamptz,
      check ((status = 'ready') = (object_key is not null and ready_at is not null))
    )
  `);
  await knex.raw('create index data_exports_user_idx on data_exports (user_id, requested_at desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists data_exports');
}
