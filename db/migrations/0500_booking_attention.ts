import type { Knex } from 'knex';

/**
 * The failure policy's attention flag on the read model: why a booking waits for an admin (the
 * oldest open reason) and since when. Null when nothing waits. The partial index keeps the admin's
 * "needs attention" list cheap however many bookings there are.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table bookings
      add column attention_reason text,
      add column attention_since timestamptz,
      add constraint bookings_attention_whole check ((attention_reason is null) = (attention_since is null))
  `);
  await knex.raw('create index bookings_attention_idx on bookings (attention_since) where attention_reason is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists bookings_attention_idx');
  await knex.raw('alter table bookings drop constraint if exists bookings_attention_whole, drop column if exists attention_since, drop column if exists attention_reason');
}
