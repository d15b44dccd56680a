/**
 * The booking worker's capacity options from configuration (WORKER_* in .env.example): the sticky
 * cache, the task slots and the pollers. A setting left at 0 is not passed, so the SDK's default
 * applies. What each costs and buys is measured in docs/benchmarks.md (`npm run bench -- worker`).
 */
import type { WorkerOptions } from '@temporalio/worker';
import type { WorkerTuning } from '../domain/config.js';

type TuningOptions = Pick<
  WorkerOptions,
  | 'maxCachedWorkflows'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxConcurrentLocalActivityExecutions'
  | 'maxConcurrentWorkflowTaskPolls'
  | 'maxConcurrentActivityTaskPolls'
  | 'workflowThreadPoolSize'
>;

const SDK_DEFAULT_WORKFLOW_TASK_SLOTS = 40;

export function workerTuning(tuning: WorkerTuning): TuningOptions {
  const set = (value: number) => (value > 0 ? value : undefined);
  const cache = set(tuning.maxCachedWorkflows);
  // A workflow task runs on a cached workflow: a cache smaller than the default slots (40) brings them down with it.
  const workflowTaskSlots = set(tuning.workflowTaskSlots) ?? (cache !== undefined && cache < SDK_DEFAULT_WORKFLOW_TASK_SLOTS ? cache : undefined);
  const options: TuningOptions = {
    maxCachedWorkflows: cache,
    maxConcurrentWorkflowTaskExecutions: workflowTaskSlots,
    maxConcurrentActivityTaskExecutions: set(tuning.activitySlots),
    maxConcurrentLocalActivityExecutions: set(tuning.activitySlots),
    maxConcurrentWorkflowTaskPolls: set(tuning.workflowTaskPollers),
    maxConcurrentActivityTaskPolls: set(tuning.activityTaskPollers),
    workflowThreadPoolSize: set(tuning.workflowThreads),
  };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as TuningOptions;
}
