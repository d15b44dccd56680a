import { Client, Connection } from '@temporalio/client';
import type { Config } from '../domain/config.js';

export interface TemporalClient {
  connection: Connection;
  client: Client;
}

/** The API's connection to the Temporal server: it starts, signals, updates and queries workflows. */
export async function connectTemporal(temporal: Config['temporal']): Promise<TemporalClient> {
  const connection = await Connection.connect({ address: temporal.address, connectTimeout: '5s' });
  const client = new Client({ connection, namespace: temporal.namespace });
  return { connection, client };
}

/** Asks the server for its system info, bounded by a deadline so a hung server cannot hang the caller. */
export async function pingTemporal(connection: Connection, timeoutMs: number): Promise<void> {
  await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
}
