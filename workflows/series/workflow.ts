/**
 * A weekly lesson series: one workflow per series, the parent of its weeks. It does not carry the
 * lessons itself: each week becomes its own booking (its own workflow, its own card authorization)
 * when it comes within the lead time of its start, so no hold is placed days before Stripe would let
 * it lapse. A week that cannot be booked (the tutor's time taken, the student busy, the card
 * declined) is marked taken on the series and the student is emailed: never silently dropped.
 *
 * One thread of control owns every change, as in the booking workflow: skip and cancel updates are
 * validated at once, queued, applied in order by the main loop, and answered when applied. The
 * loop sleeps until the next week is due (or the last booked lesson begins), waking for a request.
 * Deterministic: time is the workflow's clock, side effects are activities.
 */
import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { SeriesActivities } from '../../activities/series/types.js';
import { RETRY_BACKOFF } from '../retry-backoff.js';
import type { SeriesStatus } from '../../domain/series.js';
import {
  type CancelSeries,
  cancelSeriesUpdate,
  getSeriesQuery,
  SERIES_ACTIVITY_TIMEOUTS,
  SERIES_REFUSALS,
  type SeriesSnapshot,
  type SeriesWeek,
  type SeriesWorkflowInput,
  skipWeekUpdate,
} from './definitions.js';

/** Our own stores: retried until they answer (an outage passes). */
const records = proxyActivities<SeriesActivities>({ startToCloseTimeout: '30 seconds', retry: RETRY_BACKOFF });
/** Booking or cancelling a week talks to the booking's workflow, which may take a while to answer. */
const weeks = proxyActivities<SeriesActivities>({ startToCloseTimeout: SERIES_ACTIVITY_TIMEOUTS.bookWeekMs, retry: RETRY_BACKOFF });
/** Email is best effort: the week's outcome is on the series whatever Brevo does. */
const emails = proxyActivities<SeriesActivities>({ startToCloseTimeout: '60 seconds', retry: { ...RETRY_BACKOFF, maximumAttempts: 8 } });

type Request = { kind: 'skip'; week: number; actorId: string } | ({ kind: 'cancel' } & CancelSeries);
interface Queued {
  request: Request;
  done: boolean;
  refusal?: ApplicationFailure;
}

export async function lessonSeriesWorkflow(input: SeriesWorkflowInput): Promise<SeriesSnapshot> {
  const plan: SeriesWeek[] = input.weeks.map((week) => ({ ...week }));
  const inbox: Queued[] = [];
  let cancelled = false;

  const lastBookedStart = () => Math.max(0, ...plan.filter((week) => week.status === 'booked').map((week) => Date.parse(week.sessionStart)));
  const status = (): SeriesStatus => {
    if (cancelled) return 'cancelled';
    return plan.some((week) => week.status === 'upcoming') || lastBookedStart() > Date.now() ? 'active' : 'completed';
  };
  const snapshot = (): SeriesSnapshot => ({ seriesId: input.seriesId, status: status(), weeks: plan.map((week) => ({ ...week })) });
  const show = () => setCurrentDetails(plan.map((week) => `week ${week.week + 1} · ${week.sessionStart} · ${week.status}${week.reason ? ` (${week.reason})` : ''}`).join('\n\n'));

  // ---- messages ----------------------------------------------------------------------------------
  const refuse = (message: string, type: string = SERIES_REFUSALS.invalidState) => ApplicationFailure.nonRetryable(message, type);
  const assertLive = () => {
    if (status() !== 'active') throw refuse(`The series is ${status()}`);
  };
  /** Why a week cannot be skipped now, or undefined when it can. */
  const skipRefusal = (index: number): ApplicationFailure | undefined => {
    const week = plan[index];
    if (!week) return refuse(`The series has no week ${index}`, SERIES_REFUSALS.noSuchWeek);
    if (week.status !== 'upcoming' && week.status !== 'booked') return refuse(`Week ${index} is already ${week.status}`);
    if (Date.parse(week.sessionStart) <= Date.now()) return refuse(`Week ${index} has begun`);
    return undefined;
  };
  const submit = async (request: Request): Promise<SeriesSnapshot> => {
    const entry: Queued = { request, done: false };
    inbox.push(entry);
    await condition(() => entry.done);
    if (entry.refusal) throw entry.refusal;
    return snapshot();
  };

  setHandler(getSeriesQuery, snapshot);
  setHandler(skipWeekUpdate, ({ week, actorId }) => submit({ kind: 'skip', week, actorId }), {
    validator: ({ week }) => {
      assertLive();
      const refusal = skipRefusal(week);
      if (refusal) throw refusal;
    },
  });
  setHandler(cancelSeriesUpdate, (cancel: CancelSeries) => submit({ kind: 'cancel', ...cancel }), { validator: (_cancel: CancelSeries) => assertLive() });

  // ---- steps ---------------------------------------------------------------------------------------
  async function settle(week: SeriesWeek, change: Partial<SeriesWeek>): Promise<void> {
    Object.assign(week, change);
    await records.recordSeriesWeek({ seriesId: input.seriesId, ...week });
    show();
  }

  async function bookWeek(week: SeriesWeek): Promise<void> {
    const result = await weeks.bookSeriesWeek({
      seriesId: input.seriesId,
      studentId: input.studentId,
      tutorId: input.tutorId,
      week: week.week,
      sessionStart: week.sessionStart,
      lengthMinutes: input.lengthMinutes,
      paymentMethodId: input.paymentMethodId,
    });
    if (result.kind === 'booked') return settle(week, { status: 'booked', bookingId: result.bookingId });
    await settle(week, { status: 'taken', reason: result.reason, detail: result.detail });
    await emails.notifySeriesWeekTaken({ seriesId: input.seriesId, studentId: input.studentId, week: week.week, sessionStart: week.sessionStart, reason: result.reason, detail: result.detail });
  }

  /** A booked week's lesson, cancelled by the booking's own rules; undefined when done, else why not. */
  async function cancelLesson(week: SeriesWeek, actor: CancelSeries['actor'], actorId: string, reason: string): Promise<string | undefined> {
    const result = await weeks.cancelSeriesWeek({ bookingId: week.bookingId!, actor, actorId, reason });
    return result.cancelled ? undefined : result.detail;
  }

  async function apply(entry: Queued): Promise<void> {
    const { request } = entry;
    if (request.kind === 'skip') {
      const refusal = cancelled ? refuse('The series is cancelled') : skipRefusal(request.week);
      if (refusal) {
        entry.refusal = refusal;
        return;
      }
      const week = plan[request.week]!;
      const notCancelled = week.status === 'booked' ? await cancelLesson(week, 'student', request.actorId, 'Week skipped in the series') : undefined;
      if (notCancelled) entry.refusal = refuse(`The lesson of week ${request.week} could not be cancelled: ${notCancelled}`);
      else await settle(week, { status: 'skipped' });
      return;
    }
    if (cancelled) return;
    cancelled = true;
    for (const week of plan) {
      if (week.status === 'upcoming') await settle(week, { status: 'cancelled' });
      else if (week.status === 'booked' && Date.parse(week.sessionStart) > Date.now()) {
        const notCancelled = await cancelLesson(week, request.actor, request.actorId, request.reason);
        await settle(week, notCancelled ? { detail: `Not cancelled: ${notCancelled}` } : { status: 'cancelled' });
      }
    }
    await records.recordSeriesStatus({ seriesId: input.seriesId, status: 'cancelled', reason: request.reason });
  }

  async function applyRequests(): Promise<void> {
    for (let entry = inbox.shift(); entry; entry = inbox.shift()) {
      await apply(entry);
      entry.done = true;
    }
  }

  /** Sleeps until `atMs` on the workflow's clock, or until a request arrives. */
  async function waitUntil(atMs: number): Promise<void> {
    const delay = atMs - Date.now();
    if (delay > 0) await condition(() => inbox.length > 0, delay);
  }

  // ---- the life of a series ------------------------------------------------------------------------
  show();
  for (;;) {
    await applyRequests();
    if (cancelled) break;
    const next = plan.find((week) => week.status === 'upcoming');
    const dueAt = next ? Date.parse(next.sessionStart) - input.timings.leadMs : lastBookedStart();
    if (dueAt > Date.now()) {
      await waitUntil(dueAt);
      continue;
    }
    if (!next) break;
    await bookWeek(next);
    if (workflowInfo().historyLength > input.timings.historyLimit || workflowInfo().continueAsNewSuggested) {
      // A long series keeps a bounded history: the next run starts from the weeks as they stand.
      await applyRequests();
      await condition(() => inbox.length > 0 || allHandlersFinished());
      if (inbox.length === 0 && !cancelled) await continueAsNew<typeof lessonSeriesWorkflow>({ ...input, weeks: plan });
    }
  }
  if (!cancelled) await records.recordSeriesStatus({ seriesId: input.seriesId, status: 'completed' });
  // Nothing can be queued once the series is over (the validators refuse), but never leave a caller hanging.
  for (const entry of inbox.splice(0)) {
    entry.refusal = refuse(`The series is ${status()}`);
    entry.done = true;
  }
  await condition(allHandlersFinished);
  return snapshot();
}
