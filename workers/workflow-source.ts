/**
 * Where the worker gets its workflow code. Production runs the bundle built ahead of time
 * (`npm run build` → dist/workflow-bundle.js): start-up is fast and the code that runs is exactly
 * the code that was tested and replayed. Development bundles the TypeScript sources at start.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import { WORKFLOW_TRACING_INTERCEPTORS } from '../integrations/telemetry/tracing.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORKFLOWS_ENTRY = path.join(ROOT, 'workflows', 'index.ts');
export const PREBUILT_BUNDLE = path.join(ROOT, 'dist', 'workflow-bundle.js');
/** The same workflow code without the tracing interceptor, for a worker with tracing off. */
export const PREBUILT_UNTRACED_BUNDLE = path.join(ROOT, 'dist', 'workflow-bundle-untraced.js');
/**
 * Workflow interceptors bundled with the workflow code: the booking id on workflow log lines and,
 * with tracing on, tracing spans. Neither issues commands, so replay is unaffected, and a history
 * replays with or without the tracing interceptor (the replay tests run both ways).
 */
const LOG_ATTRIBUTES_MODULE = path.join(ROOT, 'workers', 'workflow-log-attributes');
export const UNTRACED_WORKFLOW_INTERCEPTOR_MODULES = [existsSync(`${LOG_ATTRIBUTES_MODULE}.ts`) ? `${LOG_ATTRIBUTES_MODULE}.ts` : `${LOG_ATTRIBUTES_MODULE}.js`];
export const WORKFLOW_INTERCEPTOR_MODULES = [WORKFLOW_TRACING_INTERCEPTORS, ...UNTRACED_WORKFLOW_INTERCEPTOR_MODULES];

/**
 * Which interceptors a worker bundles. The tracing interceptor builds a tracer provider inside every
 * workflow: 317 KiB of heap per cached workflow with it, 82 KiB without (docs/benchmarks.md), so a
 * worker with tracing off runs the untraced bundle.
 */
export const workflowInterceptorModules = (traced: boolean) => (traced ? WORKFLOW_INTERCEPTOR_MODULES : UNTRACED_WORKFLOW_INTERCEPTOR_MODULES);

export function workflowSource(preferPrebuilt: boolean, traced: boolean): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  // Compiled (dist/workers/…) the bundles live one level up, beside dist/workers. A build without the
  // untraced bundle falls back to the traced one (correct, only larger).
  const wanted = traced ? [PREBUILT_BUNDLE] : [PREBUILT_UNTRACED_BUNDLE, PREBUILT_BUNDLE];
  const candidates = wanted.flatMap((file) => [path.join(ROOT, path.basename(file)), file]);
  for (const codePath of candidates) {
    // The image has no sources: a development configuration there (docker compose) runs the bundle too.
    if ((preferPrebuilt || !existsSync(WORKFLOWS_ENTRY)) && existsSync(codePath)) return { workflowBundle: { codePath } };
  }
  if (!existsSync(WORKFLOWS_ENTRY)) {
    throw new Error(`No workflow bundle at ${PREBUILT_BUNDLE} and no sources at ${WORKFLOWS_ENTRY}: run npm run build`);
  }
  return { workflowsPath: WORKFLOWS_ENTRY };
}
