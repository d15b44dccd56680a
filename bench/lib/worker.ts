import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { spawnEntry, type Child } from './processes.js';

/** The worker bundles the workflow code at start in development, which takes a while on a loaded machine. */
const WORKER_READY_MS = 240_000;

let bundleBuilt: Promise<unknown> | undefined;

/**
 * The real booking worker (workers/booking-worker.ts) as a child, with the memory probe loaded; resolves once it polls.
 * With WORKER_WORKFLOW_BUNDLE=prebuilt the bundle is built first (once per run, `npm run build`'s step), so
 * the worker runs the current code as production does.
 */
export async function startWorker(root: string, logDir: string, env: Record<string, string>, name = 'worker'): Promise<{ child: Child; startMs: number }> {
  if (env.WORKER_WORKFLOW_BUNDLE === 'prebuilt') {
    // Bundling needs more heap than a worker measured with a small --max-old-space-size: not its NODE_OPTIONS.
    const { NODE_OPTIONS: _workerOnly, ...buildEnv } = { ...process.env, ...env };
    bundleBuilt ??= promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(root, 'workers', 'build-bundle.ts')], { cwd: root, env: buildEnv });
    await bundleBuilt;
  }
  const began = Date.now();
  const child = await spawnEntry(name, path.join(root, 'workers', 'booking-worker.ts'), { root, logDir, env, memoryProbe: true });
  await child.waitForLine('"worker polling"', WORKER_READY_MS);
  return { child, startMs: Date.now() - began };
}
