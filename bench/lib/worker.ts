import path from 'node:path';
import { spawnEntry, type Child } from './processes.js';

/** The worker bundles the workflow code at start in development, which takes a while on a loaded machine. */
const WORKER_READY_MS = 240_000;

/** The real booking worker (workers/booking-worker.ts) as a child, with the memory probe loaded; resolves once it polls. */
export async function startWorker(root: string, logDir: string, env: Record<string, string>, name = 'worker'): Promise<{ child: Child; startMs: number }> {
  const began = Date.now();
  const child = await spawnEntry(name, path.join(root, 'workers', 'booking-worker.ts'), { root, logDir, env, memoryProbe: true });
  await child.waitForLine('"worker polling"', WORKER_READY_MS);
  return { child, startMs: Date.now() - began };
}
