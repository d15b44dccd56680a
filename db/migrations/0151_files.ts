import type { Knex } from 'knex';

/**
 * Uploaded files. The bytes live in object storage under a key the server made up; this row holds
 * what the uploader declared (type, size, name) and whether the stored bytes were found to match
 * it. Only 'ready' files are ever handed out; a 'rejected' one has had its object deleted.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table files (
      id uuid primary key default gen_random_uuid(),
      owner_id uuid not null references users (id) on delete cascade,
      purpose text not null check (purpose in ('avatar', 'verification_document', 'message_attachment')),
      object_key text not null unique,
      content_type text not null,
      declared_size integer not null check (declared_size > 0),
      original_filename text not null check (length(original_filename) between 1 and 255),
      status text not null default 'pending' check (status in ('pending', 'ready', 'rejected')),
      rejection_reason text,
      confirmed_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((status = 'rejected') = (rejection_reason is not null))
    )
  `);
  await knex.raw('create index files_owner_created_idx on files (owner_id, created_at desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists files');
}
