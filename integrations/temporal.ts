import { Client, Connection } from '@temporalio/client';
import protos, { type temporal as proto } from '@temporalio/proto';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Config } from '../domain/config.js';

export interface TemporalClient {
  connection: Connection;
  client: Client;
}

/** The API's connection to the Temporal server: it starts, signals, updates and queries workflows. */
export async function connectTemporal(temporal: Config['temporal']): Promise<TemporalClient> {
  const connection = await Connection.connect({ address: temporal.address, connectTimeout: '5s' });
  // Carries the caller's trace into the workflow's headers (a no-op while tracing is off).
  const client = new Client({ connection, namespace: temporal.namespace, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } });
  return { connection, client };
}

/** Asks the server for its system info, bounded by a deadline so a hung server cannot hang the caller. */
export async function pingTemporal(connection: Connection, timeoutMs: number): Promise<void> {
  await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
}

export interface TaskQueuePollers {
  workflowPollers: number;
  activityPollers: number;
}

/** A poller Temporal has not heard from for this long is taken for gone (a long poll lasts ~60 s). */
const POLLER_FRESH_MS = 120_000;

/**
 * How many workers poll the task queue for workflow and activity tasks, as Temporal's
 * DescribeTaskQueue reports them (pollers seen within the last two minutes).
 */
export async function describeTaskQueuePollers(connection: Connection, namespace: string, taskQueue: string, timeoutMs: number): Promise<TaskQueuePollers> {
  const count = async (taskQueueType: proto.api.enums.v1.TaskQueueType) => {
    const { pollers } = await connection.withDeadline(Date.now() + timeoutMs, () =>
      connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType }),
    );
    const freshSince = Date.now() - POLLER_FRESH_MS;
    return pollers.filter((poller) => {
      const seconds = poller.lastAccessTime?.seconds;
      return seconds === undefined || seconds === null || Number(seconds) * 1000 >= freshSince;
    }).length;
  };
  // @temporalio/proto is CommonJS: under plain Node ESM its namespace is the default export.
  const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = protos.temporal.api.enums.v1.TaskQueueType;
  const [workflowPollers, activityPollers] = await Promise.all([count(TASK_QUEUE_TYPE_WORKFLOW), count(TASK_QUEUE_TYPE_ACTIVITY)]);
  return { workflowPollers, activityPollers };
}
