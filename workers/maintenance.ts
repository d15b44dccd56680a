/**
 * The clean-up's part of a worker: at start, the Temporal Schedule that runs the clean-up workflow
 * every MAINTENANCE_INTERVAL is created, or brought up to date with the configuration (so starting
 * any number of workers, any number of times, leaves exactly one schedule); the worker then runs the
 * clean-up activities beside its own. Ops see, pause or trigger it in the Temporal UI under Schedules.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Client as StorageClient } from 'minio';
import { createCleanUpActivities } from '../activities/maintenance/activities.js';
import type { Config } from '../domain/config.js';
import { CLEAN_UP_WORKFLOW_TYPE, cleanUpScheduleId, type CleanUpActivities } from '../workflows/maintenance/definitions.js';

function scheduleOptions(config: Pick<Config, 'temporal' | 'maintenance'>) {
  const scheduleId = cleanUpScheduleId(config.temporal.taskQueue);
  return {
    scheduleId,
    spec: { intervals: [{ every: config.maintenance.intervalMs }] },
    action: { type: 'startWorkflow', workflowType: CLEAN_UP_WORKFLOW_TYPE, taskQueue: config.temporal.taskQueue, workflowId: scheduleId, args: [] },
    // A run still going when the next is due makes the next one pointless; a worker down for a while catches up once.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: config.maintenance.intervalMs },
    state: { note: 'Deletes expired sessions and sign-in states, unconfirmed uploads, old Stripe event ids and sent emails (see .env.example for the retention periods)' },
  } satisfies ScheduleOptions;
}

/** Creates the clean-up schedule, or updates the existing one to the current configuration. Answers its id. */
export async function ensureCleanUpSchedule(client: Client, config: Pick<Config, 'temporal' | 'maintenance'>): Promise<string> {
  const options = scheduleOptions(config);
  try {
    await client.schedule.create(options);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(options.scheduleId).update((current) => ({ ...current, spec: options.spec, action: options.action, policies: options.policies }));
  }
  return options.scheduleId;
}

/** At worker start: the schedule exists and is current; answers the activities the worker must run for it. */
export async function startCleanUp(deps: { client: Client; config: Config; db: Knex; storage: StorageClient }): Promise<CleanUpActivities> {
  await ensureCleanUpSchedule(deps.client, deps.config);
  return createCleanUpActivities(deps);
}
