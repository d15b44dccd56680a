/**
 * The booking worker's health endpoint, on WORKER_HEALTH_PORT (METRICS_HOST, private):
 *   GET /healthz  liveness: the event loop turns (503 when a tick came more than LIVENESS_STALL_MS late)
 *   GET /readyz   readiness: the worker is running (polling its task queue) and Temporal answers
 *   GET /metrics  activity outcomes and process metrics (the SDK's own metrics are on WORKER_SDK_METRICS_PORT)
 */
import type { NativeConnection, State } from '@temporalio/worker';
import type { Logger } from 'pino';
import { startMetricsServer, type MetricsServer } from '../integrations/telemetry/endpoint.js';
import { collectProcessMetrics, workerReady, workerRegistry } from '../integrations/telemetry/metrics.js';

const TICK_MS = 500;
/** An event loop blocked this long is stuck, not busy: a liveness probe should restart the process. */
const LIVENESS_STALL_MS = 5_000;
const TEMPORAL_PROBE_MS = 2_000;

export interface WorkerHealthOptions {
  host: string;
  port: number;
  taskQueue: string;
  connection: NativeConnection;
  /** The worker's state; undefined until Worker.create has finished. */
  state: () => State | undefined;
  logger: Logger;
}

export interface WorkerHealth extends MetricsServer {
  ready(): Promise<{ ready: boolean; state: string; temporal: 'up' | 'down'; error?: string }>;
}

export async function startWorkerHealth(options: WorkerHealthOptions): Promise<WorkerHealth> {
  collectProcessMetrics(workerRegistry);
  let lastTick = performance.now();
  let worstLagMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    worstLagMs = Math.max(0, now - lastTick - TICK_MS);
    lastTick = now;
  }, TICK_MS);
  ticker.unref();

  async function ready() {
    const state = options.state() ?? 'STARTING';
    let temporal: 'up' | 'down' = 'up';
    let error: string | undefined;
    try {
      await options.connection.withDeadline(Date.now() + TEMPORAL_PROBE_MS, () => options.connection.workflowService.getSystemInfo({}));
    } catch (cause) {
      temporal = 'down';
      error = cause instanceof Error ? cause.message : String(cause);
    }
    const isReady = state === 'RUNNING' && temporal === 'up';
    workerReady.set({ task_queue: options.taskQueue }, isReady ? 1 : 0);
    return { ready: isReady, state, temporal, ...(error ? { error } : {}) };
  }

  const json = (status: number, body: unknown) => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
  const server = await startMetricsServer(
    options.host,
    options.port,
    {
      '/healthz': async () => {
        const sinceTickMs = performance.now() - lastTick;
        const stalled = Math.max(worstLagMs, sinceTickMs - TICK_MS) > LIVENESS_STALL_MS;
        return json(stalled ? 503 : 200, { status: stalled ? 'stalled' : 'ok', eventLoopLagMs: Math.round(worstLagMs) });
      },
      '/readyz': async () => {
        const report = await ready();
        return json(report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not_ready', taskQueue: options.taskQueue, ...report });
      },
      '/metrics': async () => {
        await ready();
        return { status: 200, contentType: workerRegistry.contentType, body: await workerRegistry.metrics() };
      },
    },
    options.logger,
  );
  return {
    ...server,
    ready,
    async close() {
      clearInterval(ticker);
      await server.close();
    },
  };
}
