import type { Knex } from 'knex';

/**
 * Reviews: one per ended booking (the unique booking_id is what refuses a second one, also under
 * concurrency), written by its student, answered once by its tutor. A hidden review (admin
 * moderation) keeps its row and reason but leaves the public list and the tutor's rating, which
 * the review service recomputes in the same transaction as every review write (never a stale count).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table reviews (
      id uuid primary key default gen_random_uuid(),
      booking_id uuid not null unique references bookings (id) on delete cascade,
      tutor_id uuid not null references users (id) on delete cascade,
      student_id uuid not null references users (id) on delete cascade,
      rating smallint not null check (rating between 1 and 5),
      text text not null check (length(text) <= 4000),
      reply text check (length(reply) <= 4000),
      replied_at timestamptz,
      hidden_at timestamptz,
      hidden_by uuid references users (id) on delete set null,
      hidden_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((reply is null) = (replied_at is null)),
      check (hidden_at is null or hidden_reason is not null)
    )
  `);
  // The public list of a tutor's reviews, newest first, keyset-paged by (created_at, id).
  await knex.raw('create index reviews_tutor_public_idx on reviews (tutor_id, created_at desc, id desc) where hidden_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists reviews');
}
