/**
 * Builds the production workflow bundles: `tsx workers/build-bundle.ts` (part of `npm run build`),
 * with the tracing interceptor and without it (workflow-source.ts picks one by the tracing setting).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PREBUILT_BUNDLE, PREBUILT_UNTRACED_BUNDLE, WORKFLOWS_ENTRY, workflowInterceptorModules } from './workflow-source.js';

for (const [file, traced] of [
  [PREBUILT_BUNDLE, true],
  [PREBUILT_UNTRACED_BUNDLE, false],
] as const) {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_ENTRY, workflowInterceptorModules: workflowInterceptorModules(traced) });
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, code);
  console.log(`workflow bundle written to ${file} (${(code.length / 1024).toFixed(0)} KiB)`);
}
