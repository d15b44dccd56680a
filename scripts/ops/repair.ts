/**
 * `ops retry` and `ops reset`: repair bookings after a fix is deployed. Safe to run again because
 * every booking step is idempotent (Stripe keys `<bookingId>:<step>`, keyed event writes, the
 * email outbox): a step that runs twice does its thing once.
 *
 * - retry: each pending activity is tried again now, from attempt 1 (ResetActivity), in the same
 *   run; a booking with nothing pending is reset to its last completed workflow task instead.
 * - reset: a new run from a workflow task (ResetWorkflowExecution); by default the one that
 *   scheduled the stuck step ("last-good"), so the code now deployed decides again from there.
 */
import { randomUUID } from 'node:crypto';
import Long from 'long';
import { bookingScope, workflowIdOf, type OpsContext } from './context.js';
import { describeExecution, fetchEvents, planReset, type ResetPlan } from './execution.js';

export interface Targets {
  ids: string[];
  /** A visibility query, narrowed to this deployment's booking workflows. */
  query?: string;
  limit: number;
}

/** The workflow ids to act on: the ids given, then those the query matches (running ones only). */
export async function resolveTargets(ctx: OpsContext, targets: Targets): Promise<string[]> {
  const ids = new Set(targets.ids.map(workflowIdOf));
  if (targets.query !== undefined) {
    const query = `${bookingScope(ctx.taskQueue)} AND ExecutionStatus = 'Running' AND (${targets.query})`;
    for await (const info of ctx.client.workflow.list({ query, pageSize: 100 })) {
      if (ids.size >= targets.limit) break;
      ids.add(info.workflowId);
    }
  }
  return [...ids].slice(0, targets.limit);
}

export interface RepairOutcome {
  workflowId: string;
  action: 'retry-activity' | 'reset' | 'planned';
  oldRunId: string;
  newRunId?: string;
  plan?: ResetPlan;
  activities?: string[];
  error?: string;
}

export interface RepairOptions {
  dryRun: boolean;
  reason: string;
  /** One line per workflow as it is handled: "[2/7] booking-… → …". */
  progress?: (line: string) => void;
}

async function resetTo(ctx: OpsContext, plan: ResetPlan, reason: string): Promise<string> {
  const response = await ctx.client.workflowService.resetWorkflowExecution({
    namespace: ctx.namespace,
    workflowExecution: { workflowId: plan.workflowId, runId: plan.runId },
    workflowTaskFinishEventId: Long.fromNumber(plan.eventId),
    reason,
    requestId: randomUUID(),
  });
  return response.runId ?? '';
}

export async function resetBookings(ctx: OpsContext, workflowIds: string[], to: 'last-good' | number, options: RepairOptions): Promise<RepairOutcome[]> {
  return forEach(workflowIds, options, async (workflowId) => {
    const state = await describeExecution(ctx, workflowId);
    const plan = planReset(state, await fetchEvents(ctx, workflowId, state.runId), to);
    if (options.dryRun) return { workflowId, action: 'planned', oldRunId: state.runId, plan };
    return { workflowId, action: 'reset', oldRunId: state.runId, plan, newRunId: await resetTo(ctx, plan, options.reason) };
  });
}

export async function retryBookings(ctx: OpsContext, workflowIds: string[], options: RepairOptions): Promise<RepairOutcome[]> {
  return forEach(workflowIds, options, async (workflowId) => {
    const state = await describeExecution(ctx, workflowId);
    if (state.pendingActivities.length === 0) {
      const plan = planReset(state, await fetchEvents(ctx, workflowId, state.runId), 'last-good');
      if (options.dryRun) return { workflowId, action: 'planned', oldRunId: state.runId, plan };
      return { workflowId, action: 'reset', oldRunId: state.runId, plan, newRunId: await resetTo(ctx, plan, options.reason) };
    }
    const activities = state.pendingActivities.map((activity) => `${activity.activityType} (activity ${activity.activityId}, was on attempt ${activity.attempt})`);
    if (!options.dryRun) {
      for (const activity of state.pendingActivities) {
        await ctx.client.workflowService.resetActivity({
          namespace: ctx.namespace,
          execution: { workflowId, runId: state.runId },
          id: activity.activityId,
          resetHeartbeat: true,
          identity: `ops retry: ${options.reason}`,
        });
      }
    }
    return { workflowId, action: options.dryRun ? 'planned' : 'retry-activity', oldRunId: state.runId, activities };
  });
}

/** One at a time, so a batch is gentle on the cluster and its progress reads in order; one failure does not stop the rest. */
async function forEach(workflowIds: string[], options: RepairOptions, act: (workflowId: string) => Promise<RepairOutcome>): Promise<RepairOutcome[]> {
  const outcomes: RepairOutcome[] = [];
  for (const [index, id] of workflowIds.entries()) {
    const workflowId = workflowIdOf(id);
    let outcome: RepairOutcome;
    try {
      outcome = await act(workflowId);
    } catch (error) {
      outcome = { workflowId, action: 'planned', oldRunId: '', error: (error as Error).message };
    }
    outcomes.push(outcome);
    options.progress?.(`[${index + 1}/${workflowIds.length}] ${describeOutcome(outcome)}`);
  }
  return outcomes;
}

export function describeOutcome(outcome: RepairOutcome): string {
  if (outcome.error) return `${outcome.workflowId}: FAILED ${outcome.error}`;
  const again = outcome.plan ? outcome.plan.runsAgain : (outcome.activities ?? []);
  const what = again.length > 0 ? `; runs again: ${again.join(', ')}` : '; nothing scheduled after that point runs again';
  if (outcome.action === 'retry-activity') return `${outcome.workflowId}: retrying now in run ${outcome.oldRunId}${what}`;
  const point = outcome.plan ? `to event ${outcome.plan.eventId} (${outcome.plan.why})` : '';
  if (outcome.action === 'reset') return `${outcome.workflowId}: reset ${point}, new run ${outcome.newRunId}${what}`;
  return `${outcome.workflowId}: would ${outcome.plan ? `reset ${point}` : 'retry the pending activities'}${what}`;
}
