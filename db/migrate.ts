/** Entry point: `node dist/db/migrate.js` (containers) or `tsx db/migrate.ts` (development). */
import { configFromEnvironmentOrExit } from '../domain/process-config.js';
import { createKnex } from './knex.js';
import { migrateToLatest } from './migrator.js';

const config = configFromEnvironmentOrExit();
// No query timeout for migrations: building an index on a large table may rightly take minutes.
const db = createKnex({ ...config.database, queryTimeoutMs: 0 });
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'schema is up to date');
} finally {
  await db.destroy();
}
