/**
 * What every ops command works with: a Temporal client on the configured namespace, the booking
 * task queue, the Temporal UI's address and the database (the read model, for amounts).
 */
import { Client, Connection } from '@temporalio/client';
import type { Knex } from 'knex';
import { createKnex } from '../../db/knex.js';
import type { Config } from '../../domain/config.js';
import { BOOKING_WORKFLOW_TYPE } from '../../workflows/booking/definitions.js';

export interface OpsContext {
  client: Client;
  namespace: string;
  taskQueue: string;
  uiUrl: string;
  /** Absent when the database is unreachable: Temporal alone still lists and repairs. */
  db?: Knex;
}

export const BOOKING_WORKFLOW_PREFIX = 'booking-';

/** A booking id, or its workflow id, to the workflow id. */
export const workflowIdOf = (idOrWorkflowId: string): string =>
  idOrWorkflowId.startsWith(BOOKING_WORKFLOW_PREFIX) ? idOrWorkflowId : `${BOOKING_WORKFLOW_PREFIX}${idOrWorkflowId}`;

export const bookingIdOf = (workflowId: string): string =>
  workflowId.startsWith(BOOKING_WORKFLOW_PREFIX) ? workflowId.slice(BOOKING_WORKFLOW_PREFIX.length) : workflowId;

/** Visibility query for the booking workflows of this deployment's task queue. */
export const bookingScope = (taskQueue: string): string => `WorkflowType = '${BOOKING_WORKFLOW_TYPE}' AND TaskQueue = '${taskQueue.replaceAll("'", "\\'")}'`;

export const uiLink = (ctx: Pick<OpsContext, 'uiUrl' | 'namespace'>, workflowId: string, runId?: string): string =>
  `${ctx.uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(ctx.namespace)}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${runId}` : ''}/history`;

export async function openOpsContext(config: Config): Promise<OpsContext & { close(): Promise<void> }> {
  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '5s' });
  const db = createKnex({ ...config.database, poolMax: 2 });
  return {
    client: new Client({ connection, namespace: config.temporal.namespace }),
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    uiUrl: config.temporal.uiUrl,
    db,
    async close() {
      await db.destroy();
      await connection.close();
    },
  };
}
