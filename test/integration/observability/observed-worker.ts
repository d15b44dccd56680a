/**
 * A booking worker built as workers/booking-worker.ts builds it: the real activities, the workflow
 * bundle with the observability interceptor modules, workerObservability() and the health endpoint,
 * on the booking stack's task queue.
 */
import { NativeConnection, Worker, bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { pino } from 'pino';
import { createBookingActivities } from '../../../activities/booking/activities.js';
import type { Tracing } from '../../../integrations/telemetry/tracing.js';
import { createEmailSender } from '../../../platform/email/create-email-sender.js';
import { workerObservability } from '../../../workers/observability.js';
import { startWorkerHealth, type WorkerHealth } from '../../../workers/worker-health.js';
import { WORKFLOWS_ENTRY, WORKFLOW_INTERCEPTOR_MODULES } from '../../../workers/workflow-source.js';
import type { BookingStack } from '../../support/booking-stack.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The production bundle's recipe (workers/build-bundle.ts): workflows plus interceptor modules. */
export function observedBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_ENTRY, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger: new DefaultLogger('WARN') });
  return bundle;
}

export interface ObservedWorker {
  health: WorkerHealth;
  stop(): Promise<void>;
}

export async function startObservedWorker(stack: BookingStack, tracing?: Tracing): Promise<ObservedWorker> {
  const config = stack.api.config;
  const { db, redis } = stack.api.container.resources;
  const logger = pino({ level: 'silent' });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const emails = createEmailSender(config, db, logger);
  const source = { workflowBundle: await observedBundle() };
  const created: { worker?: Worker } = {};
  const health = await startWorkerHealth({ host: '127.0.0.1', port: 0, taskQueue: stack.taskQueue, connection, state: () => created.worker?.getState(), logger });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: stack.taskQueue,
    ...source,
    activities: createBookingActivities({ config, db, redis, emails }),
    ...workerObservability(tracing, source),
  });
  created.worker = worker;
  const running = worker.run();
  return {
    health,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await health.close();
      await emails.idle();
      await connection.close();
    },
  };
}
