import type { Knex } from 'knex';

/**
 * Messaging between a student and a tutor: one conversation per pair, its messages, each
 * participant's read pointer, and the record of every message whose contact details were masked.
 *
 * A message is keyed by its sender's client message id, so a client that resends after a lost ack
 * gets the original back instead of a duplicate. `seq` orders messages (and pages history) without
 * relying on clock ties; read pointers are a `seq`, so "unread" is a range count.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table conversations (
      id uuid primary key default gen_random_uuid(),
      student_id uuid not null references users (id) on delete cascade,
      tutor_id uuid not null references users (id) on delete cascade,
      last_activity_at timestamptz not null default now(),
      created_at timestamptz not null default now(),
      check (student_id <> tutor_id),
      unique (student_id, tutor_id)
    )
  `);
  await knex.raw('create index conversations_student_activity_idx on conversations (student_id, last_activity_at desc, id desc)');
  await knex.raw('create index conversations_tutor_activity_idx on conversations (tutor_id, last_activity_at desc, id desc)');

  await knex.raw(`
    create table messages (
      id uuid primary key default gen_random_uuid(),
      seq bigint generated always as identity unique,
      conversation_id uuid not null references conversations (id) on delete cascade,
      sender_id uuid not null references users (id) on delete cascade,
      client_message_id text not null check (length(client_message_id) between 1 and 64),
      -- Clients send at most 4000 characters; masking can lengthen a text several times over.
      body text not null check (length(body) <= 32000),
      masked boolean not null default false,
      attachment_file_id uuid references files (id) on delete set null,
      created_at timestamptz not null default now(),
      unique (sender_id, client_message_id)
    )
  `);
  await knex.raw('create index messages_conversation_seq_idx on messages (conversation_id, seq desc)');

  await knex.raw(`
    create table conversation_reads (
      conversation_id uuid not null references conversations (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      last_read_seq bigint not null,
      last_read_message_id uuid not null references messages (id) on delete cascade,
      read_at timestamptz not null default now(),
      primary key (conversation_id, user_id)
    )
  `);

  // What was masked, never the text itself: keeping the contact details would defeat the point.
  await knex.raw(`
    create table masked_contact_attempts (
      id bigserial primary key,
      message_id uuid not null unique references messages (id) on delete cascade,
      conversation_id uuid not null references conversations (id) on delete cascade,
      sender_id uuid not null references users (id) on delete cascade,
      kinds text[] not null check (cardinality(kinds) > 0 and kinds <@ array['phone', 'email', 'link']),
      created_at timestamptz not null default now()
    )
  `);
  await knex.raw('create index masked_contact_attempts_sender_idx on masked_contact_attempts (sender_id, created_at desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists masked_contact_attempts');
  await knex.raw('drop table if exists conversation_reads');
  await knex.raw('drop table if exists messages');
  await knex.raw('drop table if exists conversations');
}
