import type { Knex } from 'knex';

/**
 * A refresh token remembers the token it was traded for, so the same browser presenting it again a
 * moment later (a reload while the page's own refresh was in flight, two tabs refreshing together)
 * gets that same successor back instead of having its session ended as a thief's. The successor is
 * kept sealed with a key derived from the spent token itself (AES-256-GCM), so only whoever holds
 * the spent token can open it and a copy of this table still lets nobody sign in; the seal is
 * dropped as soon as the successor is used in turn.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table refresh_tokens add column successor_id uuid references refresh_tokens (id) on delete set null');
  await knex.raw('alter table refresh_tokens add column successor_sealed text');
  await knex.raw('alter table refresh_tokens add constraint refresh_tokens_successor_sealed_check check (successor_sealed is null or successor_id is not null)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table refresh_tokens drop constraint if exists refresh_tokens_successor_sealed_check');
  await knex.raw('alter table refresh_tokens drop column if exists successor_sealed');
  await knex.raw('alter table refresh_tokens drop column if exists successor_id');
}
