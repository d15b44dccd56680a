import type { Knex } from 'knex';

/**
 * Extensions the schema relies on: citext for case-insensitive emails, btree_gist so a tutor's
 * booked time ranges can carry an exclusion constraint (no double booking, enforced by Postgres),
 * pgcrypto for gen_random_uuid().
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists citext');
  await knex.raw('create extension if not exists btree_gist');
  await knex.raw('create extension if not exists pgcrypto');
}

export async function down(): Promise<void> {
  // Extensions may be shared with other schemas in the database; leaving them is the safe choice.
}
