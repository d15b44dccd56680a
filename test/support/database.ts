/**
 * Each test file gets a database of its own, cloned from a migrated template: tests never see each
 * other's rows, run in parallel, and need no clean-up between them. The template is named after a
 * hash of the migrations, so changing a migration builds a new one and never reuses a stale schema.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { MIGRATIONS } from '../../db/migrations/index.js';
import { migrateToLatest } from '../../db/migrator.js';
import { stackEnv } from '../../scripts/stack/env.js';
import { REPO_ROOT } from './paths.js';

const MIGRATIONS_DIR = path.join(REPO_ROOT, 'db', 'migrations');

function urlFor(database: string): string {
  const url = new URL(stackEnv('test').DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

function connect(database: string, poolMax = 2): Knex {
  return knexFactory({ client: 'pg', connection: urlFor(database), pool: { min: 0, max: poolMax } });
}

async function migrationsHash(): Promise<string> {
  // The list this process loaded too: a process that loaded the index before a migration was added
  // (another engineer's run in the same tree) must not build a template under the new files' name.
  const hash = createHash('sha256').update(Object.keys(MIGRATIONS).sort().join(','));
  for (const file of (await readdir(MIGRATIONS_DIR)).sort()) {
    hash.update(file).update(await readFile(path.join(MIGRATIONS_DIR, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

/** Template creation is serialized across test processes by a Postgres advisory lock. */
async function ensureTemplate(admin: Knex): Promise<string> {
  const template = `tutorflow_tpl_${await migrationsHash()}`;
  await admin.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(7_001)');
    const exists = await trx.raw('select 1 from pg_database where datname = ?', [template]);
    if (exists.rowCount > 0) return;
    await admin.raw(`create database "${template}"`);
    const db = connect(template);
    try {
      await migrateToLatest(db);
    } catch (error) {
      await db.destroy();
      // A half-migrated template would be reused by every later run: never leave one behind.
      await admin.raw(`drop database if exists "${template}" with (force)`);
      throw error;
    }
    await db.destroy();
  });
  return template;
}

export interface TestDatabase {
  url: string;
  db: Knex;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = connect(new URL(stackEnv('test').DATABASE_URL!).pathname.slice(1), 3);
  try {
    const template = await ensureTemplate(admin);
    const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.raw(`create database "${name}" template "${template}"`);
        break;
      } catch (error) {
        // Another process may be copying the template this very moment.
        if (attempt < 20 && /being accessed by other users/.test((error as Error).message)) {
          await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
          continue;
        }
        throw error;
      }
    }
    const db = connect(name, 10);
    return {
      url: urlFor(name),
      db,
      async drop() {
        await db.destroy();
        const dropper = connect('postgres', 1);
        try {
          await dropWithRetry(dropper, name);
        } finally {
          await dropper.destroy();
        }
      },
    };
  } finally {
    await admin.destroy();
  }
}

/**
 * DROP DATABASE … WITH (FORCE) ends the database's sessions, but the app role may not end one of
 * another role's — an autovacuum worker that happens to be in the database: wait it out briefly.
 */
async function dropWithRetry(db: Knex, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.raw(`drop database if exists "${name}" with (force)`);
      return;
    } catch (error) {
      const permissionDenied = (error as { code?: string }).code === '42501';
      if (!permissionDenied || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
