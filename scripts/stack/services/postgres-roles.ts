import pg from 'pg';
import { LOOPBACK, type StackProfile } from '../profiles.js';

function adminClient(p: StackProfile): pg.Client {
  return new pg.Client({
    host: LOOPBACK,
    port: p.postgres.port,
    user: p.postgres.adminUser,
    password: p.postgres.adminPassword,
    database: 'postgres',
    connectionTimeoutMillis: 2_000,
  });
}

/** Like pg_isready, but also proves our superuser can log in and run a query. */
export async function acceptsQueries(p: StackProfile): Promise<boolean> {
  const client = adminClient(p);
  // A refused connection also emits 'error' on the client; without a listener that would crash us.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Makes sure the app's role and database exist with the profile's credentials. Safe to repeat:
 * an existing role only gets its password reset, an existing database is left alone.
 * CREATEDB lets tests create scratch databases without the superuser.
 */
export async function ensureAppDatabase(p: StackProfile): Promise<void> {
  const { user, password, database } = p.postgres;
  const client = adminClient(p);
  await client.connect();
  try {
    const role = client.escapeIdentifier(user);
    const secret = client.escapeLiteral(password);
    const roleExists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
    const verb = roleExists.rowCount ? 'ALTER' : 'CREATE';
    await client.query(`${verb} ROLE ${role} WITH LOGIN CREATEDB PASSWORD ${secret}`);
    const dbExists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!dbExists.rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)} OWNER ${role}`);
  } finally {
    await client.end();
  }
}
