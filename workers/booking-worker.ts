/**
 * The booking worker process: polls the booking task queue, runs booking workflows and their
 * activities. On SIGINT/SIGTERM the SDK stops polling and lets running activities finish; then the
 * pools close.
 */
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { createBookingActivities } from '../activities/booking/activities.js';
import { createLogger } from '../platform/logger.js';
import { createKnex } from '../db/knex.js';
import { createRedis } from '../integrations/redis.js';
import { createEmailSender } from '../platform/email/create-email-sender.js';
import { configFromEnvironmentOrExit } from '../domain/process-config.js';
import { workflowSource } from './workflow-source.js';

const config = configFromEnvironmentOrExit();

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
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
});

const db = createKnex(config.database);
const redis = createRedis(config.redis.url, 'worker');
redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
const emails = createEmailSender(config, db, logger);
const connection = await NativeConnection.connect({ address: config.temporal.address });
try {
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...workflowSource(config.environment !== 'development'),
    activities: createBookingActivities({ config, db, redis, emails }),
  });
  logger.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker polling');
  await worker.run();
} finally {
  await connection.close();
  await emails.idle();
  redis.disconnect();
  await db.destroy();
  logger.info('worker stopped');
}
