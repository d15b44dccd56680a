import type { Knex } from 'knex';

/**
 * Stripe events already taken in. Stripe delivers at least once (and retries for days), so the
 * webhook inserts the event id before acting on it: a second delivery finds the row and stops.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table stripe_events (
      id text primary key,
      type text not null,
      received_at timestamptz not null default now()
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists stripe_events');
}
