/**
 * Where a booking request's time goes, read from the workflow's history: every gap between two
 * events is charged to what the later event ends (a workflow task waiting in the queue, the worker
 * running it, an activity waiting, an activity running, the server between them), up to the
 * update's completion — the moment the API can answer.
 */
import proto from '@temporalio/proto';

const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

const timeOf = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

export function breakdown(events: readonly HistoryEvent[]): {
  segments: Record<string, number>;
  totalMs: number;
  startedAt: number;
  updateCompletedAt: number | undefined;
  workflowTasks: number;
  activities: number;
  localActivities: number;
} {
  const segments: Record<string, number> = {};
  const activityType = new Map<string, string>();
  const add = (name: string, ms: number) => (segments[name] = (segments[name] ?? 0) + ms);
  const first = timeOf(events[0]?.eventTime);
  let previous = first;
  let updateCompletedAt: number | undefined;
  let workflowTasks = 0;
  let activities = 0;
  // A local activity runs inside a workflow task (its time is the task's); its marker is recorded with the task's completion.
  let localActivities = 0;
  for (const event of events.slice(1)) {
    const at = timeOf(event.eventTime);
    const gap = Math.max(0, at - previous);
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        add('workflow task: waiting for the worker', gap);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        workflowTasks++;
        add('workflow task: worker running the workflow code', gap);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        activityType.set(String(event.eventId), event.activityTaskScheduledEventAttributes?.activityType?.name ?? 'activity');
        add('server: between tasks', gap);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        add('activity: waiting for the worker', gap);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        activities++;
        const scheduled = String(event.activityTaskCompletedEventAttributes?.scheduledEventId ?? '');
        add(`activity ${activityType.get(scheduled) ?? '?'}: running`, gap);
        break;
      }
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') localActivities++;
        add('server: between tasks', gap);
        break;
      default:
        add('server: between tasks', gap);
    }
    previous = at;
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) {
      updateCompletedAt = at;
      break;
    }
  }
  return { segments, totalMs: previous - first, startedAt: first, updateCompletedAt, workflowTasks, activities, localActivities };
}

/** Mean of each segment over many histories, largest first. */
export function meanSegments(all: readonly Record<string, number>[]): [string, number][] {
  const sums: Record<string, number> = {};
  for (const segments of all) for (const [name, ms] of Object.entries(segments)) sums[name] = (sums[name] ?? 0) + ms;
  return Object.entries(sums)
    .map(([name, ms]): [string, number] => [name, ms / Math.max(1, all.length)])
    .sort((a, b) => b[1] - a[1]);
}
