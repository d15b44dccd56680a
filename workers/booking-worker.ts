/**
 * The booking worker's entry point (`node dist/workers/booking-worker.js`; workers/run-booking-worker.ts
 * is the worker itself). The configuration comes first, then the heap limit, which needs a restart of
 * the process with a V8 flag before anything else is loaded (heap-limit.ts).
 */
import { configFromEnvironmentOrExit } from '../domain/process-config.js';
import { restartWithHeapLimit } from './heap-limit.js';

const config = configFromEnvironmentOrExit();
restartWithHeapLimit(config.worker.heapLimitMb);
const { runBookingWorker } = await import('./run-booking-worker.js');
await runBookingWorker(config);
