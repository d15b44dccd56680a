/**
 * Servers of a scenario's own, for faults that kill or stop a server: never the shared test stack's
 * (other engineers' tests use it at the same time). Launched with the stack's own launch
 * definitions (scripts/stack/services/*), on free loopback ports, as our direct children.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stackProfile, type StackProfile } from '../../../scripts/stack/index.js';
import { silent } from '../../../scripts/stack/log.js';
import { provisionTemporalCli } from '../../../scripts/stack/provision/temporal.js';
import { waitUntil } from '../../../scripts/stack/readiness/wait-until.js';
import { temporalService } from '../../../scripts/stack/services/temporal.js';
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
