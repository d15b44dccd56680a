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
/**
 * Workflow interceptors bundled with the workflow code: tracing spans (a no-op sink while tracing is
 * off) and the booking id on workflow log lines. Neither issues commands, so replay is unaffected.
 */
const LOG_ATTRIBUTES_MODULE = path.join(ROOT, 'workers', 'workflow-log-attributes');
export const WORKFLOW_INTERCEPTOR_MODULES = [WORKFLOW_TRACING_INTERCEPTORS, existsSync(`${LOG_ATTRIBUTES_MODULE}.ts`) ? `${LOG_ATTRIBUTES_MODULE}.ts` : `${LOG_ATTRIBUTES_MODULE}.js`];

export function workflowSource(preferPrebuilt: boolean): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  // Compiled (dist/workers/…) the bundle lives one level up, beside dist/workers.
  const compiledBundle = path.join(ROOT, 'workflow-bundle.js');
  for (const codePath of [compiledBundle, PREBUILT_BUNDLE]) {
    // The image has no sources: a development configuration there (docker compose) runs the bundle too.
    if ((preferPrebuilt || !existsSync(WORKFLOWS_ENTRY)) && existsSync(codePath)) return { workflowBundle: { codePath } };
  }
  if (!existsSync(WORKFLOWS_ENTRY)) {
    throw new Error(`No workflow bundle at ${PREBUILT_BUNDLE} and no sources at ${WORKFLOWS_ENTRY}: run npm run build`);
  }
  return { workflowsPath: WORKFLOWS_ENTRY };
}
