/**
 * Temporal for tests, always a real server: the time-skipping test server (for the long timers:
 * 24-hour expiry, payout holds) or the test stack's dev server. Both come from the binaries the
 * stack provisions; the SDK's own download cannot work without internet.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { binaries } from '../../scripts/stack/provision/index.js';
import { BOOKING_SEARCH_ATTRIBUTES } from '../../scripts/stack/search-attributes.js';
import { stackEnv } from '../../scripts/stack/env.js';
import { WORKFLOWS_ENTRY } from '../../workers/workflow-source.js';
import { REPO_ROOT } from './paths.js';

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

// @temporalio/proto is CommonJS: its namespace comes through the default export under plain Node ESM.
const { temporal } = proto;

const INDEXED_VALUE_TYPES = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
} as const;

/** The time-skipping server starts empty: it learns the booking search attributes the dev server starts with. */
export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: binaries(REPO_ROOT).temporalTestServer } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(BOOKING_SEARCH_ATTRIBUTES).map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]]),
    ),
  });
  return env;
}

/** The test stack's Temporal dev server, with the booking search attributes registered. */
export async function devServerEnvironment(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createFromExistingServer({ address: stackEnv('test').TEMPORAL_ADDRESS! });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling takes a second; every test in a file shares one bundle. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_ENTRY, logger: new DefaultLogger('WARN') });
  return bundle;
}

let sequence = 0;
export const uniqueTaskQueue = (name: string) => `test-${name}-${process.pid}-${Date.now()}-${sequence++}`;
