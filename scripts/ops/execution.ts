/**
 * One booking workflow as ops sees it: its current run, its pending activities (from
 * DescribeWorkflowExecution) and, when a repair needs it, its history.
 */
import type { temporal } from '@temporalio/proto';
import proto from '@temporalio/proto';
import { optionalTsToDate } from '@temporalio/common/lib/time.js';
import type { OpsContext } from './context.js';

// @temporalio/proto is CommonJS: its namespace comes through the default export under plain Node ESM.
const { EventType, PendingActivityState } = proto.temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface PendingActivity {
  activityId: string;
  activityType: string;
  /** The attempt now running or waiting for its retry (1 is the first). */
  attempt: number;
  state: string;
  lastFailure?: string;
  nextAttemptAt?: Date;
}

export interface ExecutionState {
  workflowId: string;
  runId: string;
  status: string;
  startTime?: Date;
  pendingActivities: PendingActivity[];
}

const num = (value: unknown): number => Number(value ?? 0);

export async function describeExecution(ctx: OpsContext, workflowId: string, runId?: string): Promise<ExecutionState> {
  const response = await ctx.client.workflowService.describeWorkflowExecution({
    namespace: ctx.namespace,
    execution: { workflowId, ...(runId ? { runId } : {}) },
  });
  const info = response.workflowExecutionInfo;
  return {
    workflowId,
    runId: info?.execution?.runId ?? '',
    status: proto.temporal.api.enums.v1.WorkflowExecutionStatus[info?.status ?? 0]?.replace('WORKFLOW_EXECUTION_STATUS_', '') ?? 'UNKNOWN',
    ...(info?.startTime ? { startTime: optionalTsToDate(info.startTime)! } : {}),
    pendingActivities: (response.pendingActivities ?? []).map((activity) => ({
      activityId: activity.activityId ?? '',
      activityType: activity.activityType?.name ?? '',
      attempt: num(activity.attempt),
      state: PendingActivityState[activity.state ?? 0]?.replace('PENDING_ACTIVITY_STATE_', '') ?? 'UNKNOWN',
      ...(activity.lastFailure?.message ? { lastFailure: activity.lastFailure.message } : {}),
      ...(activity.nextAttemptScheduleTime ? { nextAttemptAt: optionalTsToDate(activity.nextAttemptScheduleTime)! } : {}),
    })),
  };
}

export async function fetchEvents(ctx: OpsContext, workflowId: string, runId: string): Promise<HistoryEvent[]> {
  const history = await ctx.client.workflow.getHandle(workflowId, runId).fetchHistory();
  return history.events ?? [];
}

const RESETTABLE = new Set([
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
]);

export interface ResetPlan {
  workflowId: string;
  runId: string;
  /** The workflow task to reset to (its commands, and everything after, run again). */
  eventId: number;
  why: string;
  /** Activities and timers whose commands come after the reset point: they run again. */
  runsAgain: string[];
}

export class PlanError extends Error {}

/** When a pending activity was first scheduled, from its ActivityTaskScheduled event. */
export function scheduledAt(events: HistoryEvent[], activityId: string): { at?: Date; eventId: number; byTask: number } | undefined {
  const event = events.find(
    (e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && e.activityTaskScheduledEventAttributes?.activityId === activityId,
  );
  if (!event) return undefined;
  const at = optionalTsToDate(event.eventTime);
  return { ...(at ? { at } : {}), eventId: num(event.eventId), byTask: num(event.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId) };
}

/**
 * The reset point: `last-good` is the workflow task that scheduled the earliest pending activity
 * (so that activity is scheduled afresh, by the code now deployed), or, with nothing pending, the
 * last completed workflow task; a number is taken as it is, if it is a workflow task event.
 */
export function planReset(state: ExecutionState, events: HistoryEvent[], to: 'last-good' | number): ResetPlan {
  let eventId: number;
  let why: string;
  if (to === 'last-good') {
    const scheduled = state.pendingActivities
      .map((activity) => ({ activity, scheduled: scheduledAt(events, activity.activityId) }))
      .filter((item) => item.scheduled && item.scheduled.byTask > 0)
      .sort((a, b) => a.scheduled!.byTask - b.scheduled!.byTask)[0];
    if (scheduled) {
      eventId = scheduled.scheduled!.byTask;
      why = `the workflow task that scheduled ${scheduled.activity.activityType} (activity ${scheduled.activity.activityId}, attempt ${scheduled.activity.attempt})`;
    } else {
      const last = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).at(-1);
      if (!last) throw new PlanError(`${state.workflowId} has no completed workflow task to reset to`);
      eventId = num(last.eventId);
      why = 'the last completed workflow task';
    }
  } else {
    const event = events.find((e) => num(e.eventId) === to);
    if (!event || !RESETTABLE.has(event.eventType ?? 0)) {
      const candidates = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).map((e) => num(e.eventId));
      throw new PlanError(`event ${to} of ${state.workflowId} is not a workflow task event; workflow tasks completed at: ${candidates.join(', ')}`);
    }
    eventId = to;
    why = `event ${to}, as asked`;
  }
  const runsAgain = events
    .filter((e) => num(e.eventId) > eventId)
    .flatMap((e) => {
      if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) return [`activity ${e.activityTaskScheduledEventAttributes?.activityType?.name} (event ${num(e.eventId)})`];
      if (e.eventType === EventType.EVENT_TYPE_TIMER_STARTED) return [`timer ${e.userMetadata?.summary?.data ? Buffer.from(e.userMetadata.summary.data).toString('utf8') : e.timerStartedEventAttributes?.timerId} (event ${num(e.eventId)})`];
      return [];
    });
  // An activity pending since before a manual reset point is carried into the new run and tried again.
  for (const activity of state.pendingActivities) {
    if (!runsAgain.some((line) => line.startsWith(`activity ${activity.activityType} `))) runsAgain.push(`activity ${activity.activityType} (pending now, attempt ${activity.attempt})`);
  }
  return { workflowId: state.workflowId, runId: state.runId, eventId, why, runsAgain };
}
