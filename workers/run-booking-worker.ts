/**
 * The booking worker (its entry point is booking-worker.ts): polls the booking task queue, runs
 * booking workflows and their activities. On SIGINT/SIGTERM the SDK stops polling and lets running
 * activities finish; then the pools close.
 */
import v8 from 'node:v8';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { createBookingActivities } from '../activities/booking/activities.js';
import { createPackageActivities } from '../activities/package/activities.js';
import { createDataExportActivities } from '../activities/privacy/activities.js';
import { createLogger } from '../platform/logger.js';
import { createKnex } from '../db/knex.js';
import { createRedis } from '../integrations/redis.js';
import { createEmailSender } from '../platform/email/create-email-sender.js';
import type { Config } from '../domain/config.js';
import { workflowSource } from './workflow-source.js';
import { startTracing } from '../integrations/telemetry/tracing.js';
import { workerObservability } from './observability.js';
import { startWorkerHealth } from './worker-health.js';
import { connectTemporal } from '../integrations/temporal.js';
import { createStorageClient } from '../integrations/storage.js';
import { startCleanUp } from './maintenance.js';
import { seriesWorkerActivities } from './series-activities.js';
import { workerTuning } from './worker-tuning.js';

export async function runBookingWorker(config: Config): Promise<void> {
  // Before any client exists, so the instrumentations see them (off without an OTLP endpoint).
  const tracing = startTracing({ serviceName: 'tutorflow-worker', otlpEndpoint: config.observability.otlpTracesEndpoint });

  const logger = createLogger(config, 'worker');
  Runtime.install({
    logger: {
      log: (level, message, meta) => logger[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error')](meta ?? {}, message),
      trace: (message, meta) => logger.trace(meta ?? {}, message),
      debug: (message, meta) => logger.debug(meta ?? {}, message),
      info: (message, meta) => logger.info(meta ?? {}, message),
      warn: (message, meta) => logger.warn(meta ?? {}, message),
      error: (message, meta) => logger.error(meta ?? {}, message),
    },
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) },
      // The SDK's own worker metrics (slots, pollers, task latencies, failures) for Prometheus.
      ...(config.observability.workerSdkMetricsPort === 0
        ? {}
        : { metrics: { prometheus: { bindAddress: `${config.observability.metricsHost}:${config.observability.workerSdkMetricsPort}` } } }),
    },
  });

  const db = createKnex(config.database);
  const redis = createRedis(config.redis.url, 'worker');
  redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  const emails = createEmailSender(config, db, logger);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  let worker: Worker | undefined;
  const { metricsHost, workerHealthPort } = config.observability;
  const health =
    workerHealthPort === 0
      ? undefined
      : await startWorkerHealth({ host: metricsHost, port: workerHealthPort, taskQueue: config.temporal.taskQueue, connection, state: () => worker?.getState(), logger });
  if (health) logger.info({ url: health.url }, 'worker health and metrics listening (/healthz, /readyz, /metrics)');
  // The clean-up schedule is created (or brought up to date) at start; its activities run beside the booking ones.
  const temporal = await connectTemporal(config.temporal);
  try {
    const storage = createStorageClient(config.storage);
    const cleanUpActivities = await startCleanUp({ client: temporal.client, config, db, storage });
    const source = workflowSource(config.environment !== 'development' || config.worker.workflowBundle === 'prebuilt', tracing !== undefined);
    worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      ...source,
      activities: {
        ...createBookingActivities({ config, db, redis, emails }),
        ...seriesWorkerActivities({ config, db, redis, logger, temporal: temporal.client, emails }),
        ...createPackageActivities({ config, db, redis, emails }),
        ...cleanUpActivities,
        ...createDataExportActivities({ config, db, storage, emails }),
      },
      ...workerObservability(tracing, source),
      ...workerTuning(config.worker),
    });
    logger.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace, maxCachedWorkflows: worker.options.maxCachedWorkflows, heapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20) }, 'worker polling');
    await worker.run();
  } finally {
    await health?.close();
    await temporal.connection.close();
    await connection.close();
    await emails.idle();
    redis.disconnect();
    await db.destroy();
    await tracing?.shutdown();
    logger.info('worker stopped');
  }
}
