/**
 * Real processes for fault scenarios: the booking worker and the API started from their own entry
 * points (as production runs them), joined to a test's booking stack, so a scenario can SIGKILL
 * them at the worst moment. Each is our direct child; `kill()` waits until it is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { stackEnv } from '../../../scripts/stack/env.js';
import { freePort } from '../../../scripts/stack/util/free-port.js';
import type { BookingStack } from '../../support/booking-stack.js';
import { REPO_ROOT } from '../../support/paths.js';

export interface ChildService {
  pid: number;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const started = new Set<ChildService>();

/** Every child a scenario started and did not kill (for afterAll). */
export async function killAll(): Promise<void> {
  await Promise.all([...started].map((child) => child.kill('SIGKILL')));
}

async function spawnEntry(entry: string, env: Record<string, string>, ready: string, timeoutMs = 60_000): Promise<ChildService> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = once(child, 'exit');
  const append = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      if (!output.includes(ready)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited at start:\n${output}`));
    });
  });
  const service: ChildService = {
    pid: child.pid!,
    output: () => output,
    async kill(signal = 'SIGKILL') {
      started.delete(service);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  started.add(service);
  return service;
}

function baseEnv(stack: BookingStack, overrides: Record<string, string>): Record<string, string> {
  return {
    ...stackEnv('test'),
    ...stack.workerEnv,
    ENVIRONMENT: 'development',
    LOG_LEVEL: 'info',
    // Many requests from one loopback client (the racers), as the in-process test API allows.
    RATE_LIMIT_PER_MINUTE: '100000',
    // Several workers and APIs at once: no fixed-port side listeners.
    METRICS_PORT: '0',
    WORKER_HEALTH_PORT: '0',
    WORKER_SDK_METRICS_PORT: '0',
    ...overrides,
  };
}

/** workers/booking-worker.ts on the stack's task queue, database, Stripe and fakes. */
export function spawnWorker(stack: BookingStack, overrides: Record<string, string> = {}): Promise<ChildService> {
  return spawnEntry('workers/booking-worker.ts', baseEnv(stack, overrides), 'worker polling');
}

/** server/api.ts on a free port, same database and task queue as the stack's in-process API. */
export async function spawnApi(stack: BookingStack, overrides: Record<string, string> = {}): Promise<ChildService & { baseUrl: string }> {
  const port = await freePort();
  const service = await spawnEntry('server/api.ts', baseEnv(stack, { PORT: String(port), HOST: '127.0.0.1', ...overrides }), 'API listening');
  return { ...service, baseUrl: `http://127.0.0.1:${port}` };
}
