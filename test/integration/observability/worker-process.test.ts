/**
 * The booking worker's own entry point (workers/booking-worker.ts) as production starts it, with its
 * private listeners on: /healthz, /readyz and /metrics on WORKER_HEALTH_PORT, the Temporal SDK's
 * Prometheus metrics on WORKER_SDK_METRICS_PORT; and the API's integrity report seeing it poll and,
 * once it has stopped, the worker's readiness gone with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPORAL_SDK_METRICS } from '../../../integrations/telemetry/metrics.js';
import { stackEnv } from '../../../scripts/stack/env.js';
import { freePort } from '../../../scripts/stack/util/free-port.js';
import { type BookingStack, eventually, startBookingStack } from '../../support/booking-stack.js';
import { readJson } from '../../support/http.js';
import { REPO_ROOT } from '../../support/paths.js';

let stack: BookingStack;
let worker: ChildProcess | undefined;
let output = '';
let healthUrl: string;
let sdkUrl: string;

beforeAll(async () => {
  stack = await startBookingStack();
  const [healthPort, sdkPort] = [await freePort(), await freePort()];
  healthUrl = `http://127.0.0.1:${healthPort}`;
  sdkUrl = `http://127.0.0.1:${sdkPort}/metrics`;
  worker = spawn(process.execPath, ['--import', 'tsx', 'workers/booking-worker.ts'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...stackEnv('test'),
      ...stack.workerEnv,
      ENVIRONMENT: 'development',
      LOG_LEVEL: 'info',
      METRICS_HOST: '127.0.0.1',
      WORKER_HEALTH_PORT: String(healthPort),
      WORKER_SDK_METRICS_PORT: String(sdkPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  worker.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(async () => output, (text) => text.includes('worker polling') || worker!.exitCode !== null, 60_000);
  if (worker.exitCode !== null) throw new Error(`the worker exited at start:\n${output}`);
}, 120_000);
afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  await stack?.close();
});

describe('the booking worker process', () => {
  it('is live and ready, serves its metrics and the SDK’s, and the API sees it poll', async () => {
    const live = await fetch(`${healthUrl}/healthz`);
    expect(live.status).toBe(200);
    const ready = await eventually(async () => fetch(`${healthUrl}/readyz`).then(async (response) => ({ status: response.status, body: await readJson(response) })), (answer) => answer.status === 200);
    expect(ready.body).toMatchObject({ ready: true, state: 'RUNNING', temporal: 'up', taskQueue: stack.taskQueue });

    const metrics = await (await fetch(`${healthUrl}/metrics`)).text();
    expect(metrics).toContain(`tutorflow_worker_ready{task_queue="${stack.taskQueue}"} 1`);
    expect(metrics).toContain('# TYPE tutorflow_activity_executions_total counter');
    const sdk = await (await fetch(sdkUrl)).text();
    expect(sdk).toContain('temporal_num_pollers');
    expect(TEMPORAL_SDK_METRICS).toContain('temporal_num_pollers');

    const integrity = await eventually(
      async () => readJson(await fetch(`${stack.api.baseUrl}/api/health/integrity`)),
      (report) => report.bookingWorkers?.polling === true,
    );
    expect(integrity.bookingWorkers).toMatchObject({ taskQueue: stack.taskQueue, polling: true });
  });

  it('stops on SIGTERM, closing its health listener', async () => {
    worker!.kill('SIGTERM');
    const [code] = await once(worker!, 'exit');
    expect(code, output.slice(-2000)).toBe(0);
    await expect(fetch(`${healthUrl}/healthz`)).rejects.toThrow();
  });
});
