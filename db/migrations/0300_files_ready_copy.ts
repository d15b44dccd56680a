import type { Knex } from 'knex';

/**
 * A confirmed file's bytes live under a key of their own. The uploader's presigned PUT URL stays
 * valid for minutes after a confirm and names the upload key, so serving that key would let them
 * swap the checked bytes for anything (an HTML page, 6 MiB past the limit). Confirm reads the upload
 * once, checks exactly those bytes, and writes them (re-encoded, for avatars) to `ready_key`, which no
 * client ever had a URL for; downloads serve only that key. `stored_size` is the size of those bytes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table files
      add column ready_key text unique,
      add column stored_size integer check (stored_size > 0)
  `);
  // Pending uploads are swept by age (the clean-up schedule).
  await knex.raw(`create index files_pending_created_idx on files (created_at) where status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists files_pending_created_idx');
  await knex.raw('alter table files drop column if exists stored_size, drop column if exists ready_key');
}
