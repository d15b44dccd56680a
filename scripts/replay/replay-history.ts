/**
 * Replays one workflow history against a workflow bundle and, when the code no longer matches the
 * history, says at which event: the SDK's error names the mismatch ("activity type of scheduled
 * event 'syncCalendars' does not match … 'notify'") but often not the event, and the event is what
 * an engineer needs to read the history or to reset the workflow.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';

// @temporalio/proto is CommonJS: its namespace comes through the default export under plain Node ESM.
const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export interface Divergence {
  /** The first event the current code disagrees with. */
  eventId: number;
  event: string;
  /**
   * The workflow task whose commands produced that event (its WorkflowTaskCompleted event): a reset
   * to it keeps everything before and lets the new code decide that task again.
   */
  resetEventId?: number;
}

export type ReplayOutcome =
  | { ok: true; events: number }
  | { ok: false; events: number; error: Error; nondeterministic: boolean; divergence?: Divergence };

export interface ReplayTarget {
  workflowBundle: WorkflowBundleOption;
  /** Histories carry no workflow id; the booking workflow does not read it, but errors name it. */
  workflowId: string;
}

export async function replayHistory(target: ReplayTarget, history: History): Promise<ReplayOutcome> {
  const events = history.events ?? [];
  const error = await replayError(target, events);
  if (!error) return { ok: true, events: events.length };
  const nondeterministic = error instanceof DeterminismViolationError;
  const divergence = nondeterministic ? await locateDivergence(target, events) : undefined;
  return { ok: false, events: events.length, error, nondeterministic, ...(divergence ? { divergence } : {}) };
}

async function replayError(target: ReplayTarget, events: HistoryEvent[]): Promise<Error | undefined> {
  try {
    await Worker.runReplayHistory({ workflowBundle: target.workflowBundle, replayName: 'replay' }, { events }, target.workflowId);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/**
 * A history cut after event n replays as a workflow still running at n, so the shortest prefix that
 * fails ends at the first event the code disagrees with. Replays take tens of milliseconds; a binary
 * search over a few hundred events is a handful of them.
 */
async function locateDivergence(target: ReplayTarget, events: HistoryEvent[]): Promise<Divergence | undefined> {
  let good = 0; // the empty prefix replays
  let bad = events.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if ((await replayError(target, events.slice(0, middle))) instanceof DeterminismViolationError) bad = middle;
    else good = middle;
  }
  const event = events[bad - 1];
  if (!event) return undefined;
  const task = events
    .slice(0, bad - 1)
    .findLast((candidate) => candidate.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  return {
    eventId: Number(event.eventId),
    event: describeEvent(event),
    ...(task ? { resetEventId: Number(task.eventId) } : {}),
  };
}

/** "ActivityTaskScheduled notify (Email booking-scheduled to both parties)". */
export function describeEvent(event: HistoryEvent): string {
  const type = (EventType[event.eventType ?? 0] ?? 'UNKNOWN')
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_match, _sep: string, letter: string) => letter.toUpperCase());
  const name =
    event.activityTaskScheduledEventAttributes?.activityType?.name ??
    event.workflowExecutionSignaledEventAttributes?.signalName ??
    event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ??
    event.timerStartedEventAttributes?.timerId ??
    undefined;
  const summary = event.userMetadata?.summary ? decodeText(event.userMetadata.summary) : undefined;
  return [type, name, summary ? `(${summary})` : undefined].filter(Boolean).join(' ');
}

function decodeText(payload: Payload): string | undefined {
  try {
    const value: unknown = defaultPayloadConverter.fromPayload(payload);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Several lines for a terminal or a failed test: what went wrong, where, and what to do. */
export function formatOutcome(workflowId: string, outcome: ReplayOutcome): string {
  if (outcome.ok) return `OK ${workflowId}: ${outcome.events} events replayed against the current code`;
  const lines = [
    outcome.nondeterministic
      ? `NONDETERMINISTIC ${workflowId}: the current code does not produce this history`
      : `REPLAY FAILED ${workflowId}: ${outcome.error.name}`,
  ];
  if (outcome.divergence) {
    const { eventId, event, resetEventId } = outcome.divergence;
    lines.push(`  first differing event: ${eventId} ${event}`);
    if (resetEventId !== undefined) lines.push(`  decided by the workflow task completed at event ${resetEventId} (a reset point)`);
  }
  lines.push(`  ${coreMessage(outcome.error)}`);
  return lines.join('\n');
}

/** The useful sentence inside the SDK's nested error text, e.g. "[TMPRL1100] Nondeterminism error: …". */
function coreMessage(error: Error): string {
  const inner = /message: "((?:[^"\\]|\\.)*)"/.exec(error.message);
  return inner?.[1] ?? error.message;
}
