/** Builds the production workflow bundle: `tsx workers/build-bundle.ts` (part of `npm run build`). */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PREBUILT_BUNDLE, WORKFLOWS_ENTRY, WORKFLOW_INTERCEPTOR_MODULES } from './workflow-source.js';

const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_ENTRY, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES });
await mkdir(path.dirname(PREBUILT_BUNDLE), { recursive: true });
await writeFile(PREBUILT_BUNDLE, code);
console.log(`workflow bundle written to ${PREBUILT_BUNDLE} (${(code.length / 1024).toFixed(0)} KiB)`);
