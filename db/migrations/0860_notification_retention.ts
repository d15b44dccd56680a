import type { Knex } from 'knex';

/**
 * Read notifications are deleted once older than NOTIFICATIONS_RETENTION (the clean-up schedule);
 * this index finds the oldest read ones without scanning everyone's unread ones.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index notifications_read_age_idx on notifications (created_at) where read_at is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists notifications_read_age_idx');
}
