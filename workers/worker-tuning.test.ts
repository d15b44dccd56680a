import { describe, expect, it } from 'vitest';
import { loadConfig } from '../domain/config.js';
import { workerTuning } from './worker-tuning.js';

const tuningOf = (env: Record<string, string>) => workerTuning(loadConfig(env).worker);

describe('the worker options from WORKER_* settings', () => {
  it('caps the sticky cache at 250 by default and leaves the rest to the SDK; 0 leaves the cache to it too', () => {
    expect(tuningOf({})).toEqual({ maxCachedWorkflows: 250 });
    expect(tuningOf({ WORKER_MAX_CACHED_WORKFLOWS: '0' })).toEqual({});
  });

  it('passes each setting given, local activities getting as many slots as activities', () => {
    expect(
      tuningOf({ WORKER_MAX_CACHED_WORKFLOWS: '500', WORKER_WORKFLOW_TASK_SLOTS: '20', WORKER_ACTIVITY_SLOTS: '50', WORKER_WORKFLOW_TASK_POLLERS: '4', WORKER_ACTIVITY_TASK_POLLERS: '6', WORKER_WORKFLOW_THREADS: '2' }),
    ).toEqual({
      maxCachedWorkflows: 500,
      maxConcurrentWorkflowTaskExecutions: 20,
      maxConcurrentActivityTaskExecutions: 50,
      maxConcurrentLocalActivityExecutions: 50,
      maxConcurrentWorkflowTaskPolls: 4,
      maxConcurrentActivityTaskPolls: 6,
      workflowThreadPoolSize: 2,
    });
  });

  it('brings the workflow task slots down to a cache smaller than their default', () => {
    expect(tuningOf({ WORKER_MAX_CACHED_WORKFLOWS: '25' })).toEqual({ maxCachedWorkflows: 25, maxConcurrentWorkflowTaskExecutions: 25 });
  });

  it('refuses more workflow task slots than cached workflows, and a cache of one', () => {
    expect(() => tuningOf({ WORKER_MAX_CACHED_WORKFLOWS: '10', WORKER_WORKFLOW_TASK_SLOTS: '20' })).toThrow(/WORKER_WORKFLOW_TASK_SLOTS/);
    expect(() => tuningOf({ WORKER_MAX_CACHED_WORKFLOWS: '1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
  });
});
