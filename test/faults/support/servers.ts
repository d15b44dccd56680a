/**
 * Servers of a scenario's own, for faults that kill or stop a server: never the shared test stack's
 * (other engineers' tests use it at the same time). Launched with the stack's own launch
 * definitions (scripts/stack/services/*), on free loopback ports, as our direct children.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import knexFactory from 'knex';
import { migrateToLatest } from '../../../db/migrator.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stackProfile, type StackProfile } from '../../../scripts/stack/index.js';
import { silent } from '../../../scripts/stack/log.js';
import { provisionTemporalCli } from '../../../scripts/stack/provision/temporal.js';
import { waitUntil } from '../../../scripts/stack/readiness/wait-until.js';
import { temporalService } from '../../../scripts/stack/services/temporal.js';
import { postgresService } from '../../../scripts/stack/services/postgres.js';
import { stackEnv } from '../../../scripts/stack/env.js';
import type { ServiceContext } from '../../../scripts/stack/services/types.js';
import { REPO_ROOT } from '../../support/paths.js';

export interface OwnTemporal {
  address: string;
  /** The dev server's SQLite file: what survives a restart. */
  dbFile: string;
  /** Stops the server (SIGKILL: a crash; SIGTERM: a clean stop) and waits until it is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and database file. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  close(): Promise<void>;
}

/** A Temporal dev server with a persistent database file (`--db-filename`), on a free port. */
export async function startOwnTemporal(): Promise<OwnTemporal> {
  const executable = await provisionTemporalCli(silent);
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'tutorflow-fault-temporal-'));
  const base = stackProfile('test');
  const profile: StackProfile = { ...base, temporal: { ...base.temporal, port, uiPort: null, persistent: true } };
  const context = { root: REPO_ROOT, profile, dataDir, log: silent } as ServiceContext;
  let child: ChildProcess | undefined;
  let output = '';

  async function start(): Promise<void> {
    const launch = await temporalService.launch(context, executable);
    const process_ = spawn(launch.command, [...launch.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    process_.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000)));
    process_.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000)));
    child = process_;
    const ready = await waitUntil(() => temporalService.isReady(REPO_ROOT, profile), {
      timeoutMs: temporalService.readyTimeoutMs,
      abortReason: () => (process_.exitCode === null ? undefined : `exited: ${output}`),
    });
    if (!ready.ok) throw new Error(`own Temporal server on ${port}: ${ready.reason}`);
  }

  async function stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill(signal);
    await exited;
  }

  await start();
  return {
    address: `127.0.0.1:${port}`,
    dbFile: join(dataDir, 'temporal.db'),
    stop,
    start,
    async close() {
      await stop('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface OwnPostgres {
  /** The app role's URL on the migrated app database. */
  url: string;
  /** Stops the server (SIGINT: fast shutdown; SIGKILL: a crash) and waits until it is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same data folder and port. */
  start(): Promise<void>;
  /** SIGSTOP to the postmaster and every backend: the server hangs, its sockets stay open. */
  freeze(): void;
  /** SIGCONT. */
  thaw(): void;
  close(): Promise<void>;
}

/** PostgreSQL 17 (the stack's embedded binaries) on a free port, with the app database migrated. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const executable = await postgresService.provision(REPO_ROOT, silent);
  const port = await freePort();
  const base = stackProfile('test');
  const profile: StackProfile = { ...base, postgres: { ...base.postgres, port } };
  const dataDir = await mkdtemp(join(tmpdir(), 'tutorflow-fault-pg-'));
  // Postgres runs as its own account (never root): it must reach its folders below this one.
  await chmod(dataDir, 0o755);
  const dirs = { base: dataDir, run: join(dataDir, 'run'), logs: join(dataDir, 'logs') };
  await mkdir(dirs.run, { recursive: true });
  const context: ServiceContext = { root: REPO_ROOT, profile, dirs, dataDir: join(dataDir, 'data'), log: silent };
  await mkdir(context.dataDir, { recursive: true });
  await postgresService.prepare!(context);
  let child: ChildProcess | undefined;
  let output = '';

  async function start(): Promise<void> {
    const launch = await postgresService.launch(context, executable);
    const server = spawn(launch.command, [...launch.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(launch.runAs ? { uid: launch.runAs.uid, gid: launch.runAs.gid } : {}),
    });
    server.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000)));
    server.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000)));
    child = server;
    const ready = await waitUntil(() => postgresService.isReady(REPO_ROOT, profile), {
      timeoutMs: postgresService.readyTimeoutMs,
      abortReason: () => (server.exitCode === null ? undefined : `exited: ${output}`),
    });
    if (!ready.ok) throw new Error(`own Postgres on ${port}: ${ready.reason}`);
  }

  async function stop(signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    signalTree(running.pid, 'SIGCONT');
    running.kill(signal);
    await exited;
  }

  await start();
  await postgresService.afterReady!(context);
  const url = stackEnv(profile).DATABASE_URL!;
  const db = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return {
    url,
    stop,
    start,
    freeze: () => signalTree(child?.pid, 'SIGSTOP'),
    thaw: () => signalTree(child?.pid, 'SIGCONT'),
    async close() {
      await stop('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The process and its children (Postgres forks a backend per connection), from /proc. */
function processTree(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent pid; the name (field 2) may hold spaces, so split after it.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [pid, ...children.flatMap(processTree)];
}

function signalTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  for (const member of processTree(pid)) {
    try {
      process.kill(member, signal);
    } catch {
      // gone meanwhile
    }
  }
}
