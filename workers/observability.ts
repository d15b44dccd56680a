/**
 * Everything the booking worker adds to Worker.create for observability, in one place so the
 * process (booking-worker.ts) and the tests build the same worker: activity interceptors (outcome
 * metrics, booking id on log lines, tracing) and the sink that exports workflow spans. The
 * workflow-side interceptors are bundled with the workflow code (workflow-source.ts).
 */
import type { WorkerOptions } from '@temporalio/worker';
import { activityMetricsInterceptors } from '../integrations/telemetry/activity-interceptors.js';
import { workerTracing, type Tracing } from '../integrations/telemetry/tracing.js';
import { workflowInterceptorModules } from './workflow-source.js';

export function workerObservability(tracing: Tracing | undefined, source: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const traced = workerTracing(tracing);
  return {
    interceptors: {
      activity: [...traced.activity, activityMetricsInterceptors],
      // When the worker bundles the sources itself; a prebuilt bundle already holds them (build-bundle.ts).
      ...(source.workflowsPath ? { workflowModules: workflowInterceptorModules(tracing !== undefined) } : {}),
    },
    sinks: traced.sinks,
  };
}
