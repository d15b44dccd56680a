/**
 * /api/health/integrity tells whether any worker polls the booking task queue (Temporal's
 * DescribeTaskQueue), and the worker's /readyz says whether it polls.
 */
import { NativeConnection, type State } from '@temporalio/worker';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerHealth } from '../../../workers/worker-health.js';
import { type BookingStack, startBookingStack } from '../../support/booking-stack.js';
import { readJson } from '../../support/http.js';
import { startObservedWorker } from './observed-worker.js';

let stack: BookingStack;
beforeAll(async () => {
  // A task queue of its own that no worker has ever polled.
  stack = await startBookingStack();
}, 120_000);
afterAll(() => stack?.close());

async function integrity() {
  const response = await fetch(`${stack.api.baseUrl}/api/health/integrity`);
  return { status: response.status, body: await readJson(response) };
}

describe('GET /api/health/integrity and the booking workers', () => {
  it('reports no pollers without a worker, pollers with one, and keeps status about the dependencies', async () => {
    const without = await integrity();
    expect(without.status, JSON.stringify(without.body)).toBe(200);
    expect(without.body.status).toBe('ok');
    expect(without.body.bookingWorkers).toEqual({ taskQueue: stack.taskQueue, polling: false, workflowPollers: 0, activityPollers: 0 });

    const worker = await startObservedWorker(stack);
    try {
      const ready = await fetch(`${worker.health.url}/readyz`);
      expect(ready.status).toBe(200);
      // Temporal learns of a poller when its first long poll arrives.
      const deadline = Date.now() + 20_000;
      let report = await integrity();
      while (!report.body.bookingWorkers.polling && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        report = await integrity();
      }
      expect(report.body.bookingWorkers).toMatchObject({ taskQueue: stack.taskQueue, polling: true });
      expect(report.body.bookingWorkers.workflowPollers).toBeGreaterThanOrEqual(1);
      expect(report.body.bookingWorkers.activityPollers).toBeGreaterThanOrEqual(1);
    } finally {
      await worker.stop();
    }
  });

  it('answers /readyz 503 until the worker runs and when it has stopped; /healthz answers all along', async () => {
    const connection = await NativeConnection.connect({ address: stack.api.config.temporal.address });
    let state: State | undefined;
    const health = await startWorkerHealth({ host: '127.0.0.1', port: 0, taskQueue: stack.taskQueue, connection, state: () => state, logger: pino({ level: 'silent' }) });
    try {
      const readiness = async () => {
        const response = await fetch(`${health.url}/readyz`);
        return { status: response.status, body: await readJson(response) };
      };
      expect(await readiness()).toMatchObject({ status: 503, body: { ready: false, state: 'STARTING', temporal: 'up' } });
      state = 'RUNNING';
      expect(await readiness()).toMatchObject({ status: 200, body: { ready: true, state: 'RUNNING', temporal: 'up' } });
      state = 'STOPPED';
      expect(await readiness()).toMatchObject({ status: 503, body: { ready: false, state: 'STOPPED' } });
      const live = await fetch(`${health.url}/healthz`);
      expect(live.status).toBe(200);
      expect(await readJson(live)).toMatchObject({ status: 'ok', eventLoopLagMs: expect.any(Number) });
    } finally {
      await health.close();
      await connection.close();
    }
  });
});
