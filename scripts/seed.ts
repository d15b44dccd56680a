/**
 * `tsx scripts/seed.ts`: migrates and writes the demo data (scripts/demo-data/demo.ts) into the database the
 * configuration names, then prints the demo accounts. `npm run dev` does the same at every start;
 * this is for a stack started some other way. Only with ENVIRONMENT=development (the default).
 */
import { existsSync } from 'node:fs';
import { createLogger } from '../platform/logger.js';
import { createKnex } from '../db/knex.js';
import { migrateToLatest } from '../db/migrator.js';
import { DemoSeedRefused, seedDemo } from './demo-data/demo.js';
import { demoAccountLines } from './demo-data/demo-summary.js';
import { ConfigError, loadConfig } from '../domain/config.js';
import { createStripeClient } from '../integrations/stripe.js';
import { connectTemporal } from '../integrations/temporal.js';

if (existsSync('.env')) process.loadEnvFile('.env');

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(78); // EX_CONFIG
}

const db = createKnex(config.database);
try {
  await migrateToLatest(db);
  // Without a reachable Temporal the demo series is left out (its workflow has nowhere to run).
  const temporal = await connectTemporal(config.temporal).catch(() => undefined);
  const result = await seedDemo({ config, db, stripe: createStripeClient(config.stripe), logger: createLogger(config, 'seed'), ...(temporal ? { temporal: temporal.client } : {}) }).finally(() => temporal?.connection.close());
  console.log(result.changes.length > 0 ? `written: ${result.changes.join('; ')}` : 'demo data already in place; nothing written');
  console.log('\nDemo accounts (role, email, password):');
  for (const line of demoAccountLines(result)) console.log(`  ${line}`);
} catch (error) {
  if (!(error instanceof DemoSeedRefused)) throw error;
  console.error(`not seeding: ${error.message}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
