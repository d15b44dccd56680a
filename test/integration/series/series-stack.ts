/**
 * The booking stack with a worker that also runs the package and series activities (as
 * workers/booking-worker.ts does): real API, real Temporal dev server, real activities, Stripe behind the recording proxy.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { createBookingActivities } from '../../../activities/booking/activities.js';
import { createPackageActivities } from '../../../activities/package/activities.js';
import { createEmailSender } from '../../../platform/email/create-email-sender.js';
import { seriesWorkerActivities } from '../../../workers/series-activities.js';
import { type BookingStack, startBookingStack } from '../../support/booking-stack.js';
import { workflowBundle } from '../../support/temporal.js';

export async function startSeriesStack(overrides: Record<string, string> = {}): Promise<BookingStack & { stopWorker(): Promise<void> }> {
  const stack = await startBookingStack(overrides);
  const { config } = stack.api;
  const { db, redis, temporal } = stack.api.container.resources;
  const logger = pino({ level: 'silent' });
  const emails = createEmailSender(config, db, logger);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: stack.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: { ...createBookingActivities({ config, db, redis, emails }), ...createPackageActivities({ config, db, redis, emails }), ...seriesWorkerActivities({ config, db, redis, logger, temporal: temporal.client, emails }) },
  });
  const running = worker.run();
  let stopped: Promise<void> | undefined;
  const stopWorker = () =>
    (stopped ??= (async () => {
      worker.shutdown();
      await running;
      await emails.idle();
      await connection.close();
    })());
  return {
    ...stack,
    stopWorker,
    async close() {
      await stopWorker();
      await stack.close();
    },
  };
}
