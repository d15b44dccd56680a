import type { Knex } from 'knex';

/**
 * When each user was last connected. Live presence is in Redis (it must expire with a dead server);
 * this is what survives it: refreshed while the user is connected and written when they leave.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table user_presence (
      user_id uuid primary key references users (id) on delete cascade,
      last_seen_at timestamptz not null
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists user_presence');
}
