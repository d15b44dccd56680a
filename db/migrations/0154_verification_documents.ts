import type { Knex } from 'knex';

/**
 * Documents a tutor submits to be verified, and the admin's decision on each. A decision records
 * who made it and when; a rejection says why, so the tutor can fix it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table verification_documents (
      id uuid primary key default gen_random_uuid(),
      tutor_id uuid not null references tutor_profiles (user_id) on delete cascade,
      file_id uuid not null unique references files (id) on delete cascade,
      kind text not null check (kind in ('identity', 'qualification')),
      status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
      decision_reason text check (length(decision_reason) <= 1000),
      decided_by uuid references users (id) on delete set null,
      decided_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((status = 'pending') = (decided_at is null)),
      check (status <> 'rejected' or decision_reason is not null)
    )
  `);
  await knex.raw('create index verification_documents_tutor_idx on verification_documents (tutor_id, created_at desc)');
  // The admins' review queue reads only the pending ones, oldest first.
  await knex.raw(`create index verification_documents_pending_idx on verification_documents (created_at) where status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists verification_documents');
}
