/** The bare baseline of the creation part: a workflow that runs one no-op activity and returns. */
import { proxyActivities } from '@temporalio/workflow';
import type { BareActivities } from './activities.js';

const { noop } = proxyActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });

export async function bareWorkflow(): Promise<string> {
  return noop();
}
