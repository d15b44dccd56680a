import type { Knex } from 'knex';

/**
 * Reports of reviews: the reviewed tutor flags a visible review for the moderators, once (the
 * unique pair refuses a second report, also under concurrency; a reporter is kept per row so other
 * reporters can be added later). A report stays as a record;
 * the moderation list's "reported" view shows visible reviews that have reports.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table review_reports (
      id uuid primary key default gen_random_uuid(),
      review_id uuid not null references reviews (id) on delete cascade,
      reporter_id uuid references users (id) on delete set null,
      reason text not null check (length(reason) between 1 and 500),
      created_at timestamptz not null default now(),
      unique (review_id, reporter_id)
    )
  `);
  await knex.raw('create index review_reports_review_idx on review_reports (review_id, created_at desc)');
  // The moderation list, newest first, keyset-paged by (created_at, id).
  await knex.raw('create index reviews_created_idx on reviews (created_at desc, id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists reviews_created_idx');
  await knex.raw('drop table if exists review_reports');
}
