/**
 * The bare baseline's worker, run as its own process like the booking worker: the SDK's default
 * options, the trivial workflow, the no-op activity. TEMPORAL_ADDRESS and BARE_TASK_QUEUE come from
 * the bench.
 */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { bareActivities } from './activities.js';

Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await Worker.create({
  connection,
  taskQueue: process.env.BARE_TASK_QUEUE!,
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  activities: bareActivities,
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.shutdown());
console.log('bare worker polling');
await worker.run();
await connection.close();
