import type { Knex } from 'knex';
import { MIGRATIONS, type Migration } from './migrations/index.js';

const source: Knex.MigrationSource<string> = {
  // Sorted by name, so the order never depends on where a line was added to the index.
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name] as Migration,
};

/** Brings the schema to the latest migration; returns the names applied by this call. */
export async function migrateToLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource: source })) as [number, string[]];
  return applied;
}
