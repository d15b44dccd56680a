import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK } from './profiles.js';
import { isAlive } from './process/liveness.js';
import { stopProcess } from './process/stop-process.js';
import { silent, type StackLog } from './log.js';
import { provisionRedisServer } from './provision/redis.js';
import { redisPing } from './readiness/probes.js';
import { waitUntil } from './readiness/wait-until.js';
import { redisArgs } from './services/redis.js';
import { freePort } from './util/free-port.js';

export interface ThrowawayRedis {
  url: string;
  port: number;
  pid: number;
  /** Stops it (SIGTERM by default; SIGKILL simulates a crash) and waits until it is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartRedisServerOptions {
  /** Default: a free port. */
  port?: number;
  /** Default: a fresh temporary folder, removed on stop. */
  dir?: string;
  log?: StackLog;
  readyTimeoutMs?: number;
}

/**
 * A private, real Redis for one test: tests that kill Redis mid-flight must not touch the shared
 * stack's instance. It is our direct child (not detached) and keeps no snapshots.
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<ThrowawayRedis> {
  const executable = await provisionRedisServer(options.log ?? silent);
  const port = options.port ?? (await freePort());
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'tutorflow-redis-')));

  let output = '';
  const child = spawn(executable, redisArgs(port, dir, false), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let exited = false;
  // 'exit' fires once the whole process is reaped, i.e. every thread and socket is gone.
  const gone = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  void gone.then(() => (exited = true));
  const pid = await new Promise<number>((resolvePromise, reject) => {
    child.once('spawn', () => resolvePromise(child.pid as number));
    child.once('error', reject);
  });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (!exited && isAlive(pid)) await stopProcess(pid, signal, 5_000);
    await gone;
    if (ownsDir) await rm(dir, { recursive: true, force: true });
  };

  const ready = await waitUntil(() => redisPing(port, LOOPBACK), {
    timeoutMs: options.readyTimeoutMs ?? 10_000,
    abortReason: () => (exited ? 'redis-server exited during start-up' : undefined),
  });
  if (!ready.ok) {
    await stop('SIGKILL');
    throw new Error(`throw-away redis on port ${port}: ${ready.reason}\n${output.trim()}`);
  }
  return { url: `redis://${LOOPBACK}:${port}`, port, pid, stop };
}
