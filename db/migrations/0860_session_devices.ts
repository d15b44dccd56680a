import type { Knex } from 'knex';

/**
 * The device of a sign-in: a SHA-256 of the browser's user agent and the network it came from
 * (IPv4 /24, IPv6 /48), never the address itself. A sign-in whose device no live or recent session
 * of the account has is emailed to the person (a security email). Sessions from before this column
 * have none: a device cannot be told new or known against them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table auth_sessions add column device_fingerprint text check (device_fingerprint ~ '^[0-9a-f]{64}$')`);
  await knex.raw('create index auth_sessions_device_idx on auth_sessions (user_id, device_fingerprint)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists auth_sessions_device_idx');
  await knex.raw('alter table auth_sessions drop column if exists device_fingerprint');
}
