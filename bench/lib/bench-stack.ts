/**
 * The servers a bench part needs, from the project's own stack scripts on the `bench` profile (its
 * own ports: a dev stack and the shared test stack are never touched), a fresh database migrated
 * for the part, the local fakes and the stateful Stripe proxy, and the environment the API, worker
 * and realtime processes run with.
 */
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { migrateToLatest } from '../../db/migrator.js';
import { startFakes } from '../../scripts/fakes/index.js';
import { startStripeProxy } from '../../scripts/fakes/stripe-proxy.js';
import { stackEnv } from '../../scripts/stack/env.js';
import { startStack } from '../../scripts/stack/index.js';
import { onStop } from './processes.js';


export const PROFILE = 'bench';
export const TASK_QUEUE = 'booking-bench';

/** The general limit is 60/min per client in production: raised here, as the load comes from one address. */
const UNLIMITED = { RATE_LIMIT_PER_MINUTE: '100000000', REGISTRATION_RATE_LIMIT: '100000000/minute', LOGIN_RATE_LIMIT: '100000000/minute' };

export interface BenchStack {
  /** Environment for the API, worker and realtime children (and loadConfig in the bench itself). */
  env: Record<string, string>;
  db: Knex;
  databaseUrl: string;
}

/**
 * The bench profile's servers, started once per run by bench/run.ts, which stops them at the very
 * end (services that were already running stay up).
 */
export async function startBenchServers(root: string, say: (line: string) => void): Promise<{ stop(): Promise<void> }> {
  const stack = await startStack({ root, profile: PROFILE, services: ['postgres', 'redis', 'temporal', 'stripe-mock'], log: (line) => say(`  [stack] ${line}`) });
  say(`bench stack up (started: ${stack.started.join(', ') || 'none'}; already running: ${stack.alreadyRunning.join(', ') || 'none'})`);
  return stack;
}

function databaseUrl(name: string): string {
  const url = new URL(stackEnv(PROFILE).DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Everything a part needs, on a database of its own (dropped when the run stops). */
/** Settings every part's processes get (bench/run.ts sets them from the command line, e.g. --pool). */
export const runOverrides: Record<string, string> = {};

export async function benchStack(part: string, overrides: Record<string, string> = {}): Promise<BenchStack> {
  const admin = knexFactory({ client: 'pg', connection: stackEnv(PROFILE).DATABASE_URL!, pool: { min: 0, max: 1 } });
  const name = `bench_${part}_${randomBytes(3).toString('hex')}`;
  try {
    await admin.raw(`create database "${name}"`);
  } finally {
    await admin.destroy();
  }
  onStop(`database ${name}`, async () => {
    const dropper = knexFactory({ client: 'pg', connection: stackEnv(PROFILE).DATABASE_URL!, pool: { min: 0, max: 1 } });
    try {
      await dropper.raw(`drop database if exists "${name}" with (force)`);
    } finally {
      await dropper.destroy();
    }
  });
  const url = databaseUrl(name);
  const db = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 20 } });
  onStop(`pool ${name}`, () => db.destroy());
  await migrateToLatest(db);

  const fakes = await startFakes({ port: 0 });
  onStop('fakes', () => fakes.close());
  const stripe = await startStripeProxy({ upstream: stackEnv(PROFILE).STRIPE_API_BASE!, host: '127.0.0.1' });
  onStop('stripe proxy', () => stripe.close());

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...(process.env.TUTORFLOW_CACHE ? { TUTORFLOW_CACHE: process.env.TUTORFLOW_CACHE } : {}),
    ...stackEnv(PROFILE),
    ENVIRONMENT: 'development',
    LOG_LEVEL: 'info',
    DATABASE_URL: url,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    STRIPE_API_BASE: stripe.url,
    ...fakes.env,
    ...UNLIMITED,
    ...overrides,
    ...runOverrides,
  };
  return { env, db, databaseUrl: url };
}
