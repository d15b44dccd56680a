/**
 * The weekly series workflow on the real time-skipping server, with activities that record what it
 * asked for (the real ones are tested through the API in test/integration/series/): each week is
 * booked its lead time before the lesson and not earlier, a taken week is recorded and reported,
 * skip and cancel act on the right weeks, and a long series continues as new without losing one.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesActivities } from '../../activities/series/types.js';
import { cancelSeriesUpdate, getSeriesQuery, SERIES_REFUSALS, type SeriesSnapshot, type SeriesWorkflowInput, seriesWorkflowId, skipWeekUpdate } from '../../workflows/series/definitions.js';
import { lessonSeriesWorkflow } from '../../workflows/series/workflow.js';
import { refusalOf } from '../support/booking-runner.js';
import { DAY, HOUR, LEAD, recordingSeriesActivities as recordingActivities, seriesInput } from '../support/series-workflow.js';
import { timeSkippingEnvironment, uniqueTaskQueue, workflowBundle } from '../support/temporal.js';


let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnvironment();
});
afterAll(() => env?.teardown());

async function runSeries(
  input: (nowMs: number) => SeriesWorkflowInput,
  activities: SeriesActivities,
  body: (handle: Awaited<ReturnType<typeof env.client.workflow.start<typeof lessonSeriesWorkflow>>>, input: SeriesWorkflowInput) => Promise<void>,
) {
  const taskQueue = uniqueTaskQueue('series');
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  const args = input(await env.currentTimeMs());
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(lessonSeriesWorkflow, { taskQueue, workflowId: seriesWorkflowId(args.seriesId), args: [args] });
    try {
      await body(handle, args);
    } finally {
      await handle.terminate('test finished').catch(() => undefined);
    }
  });
}

/** Skips time on the server until the series' query shows `predicate`. */
async function until(handle: { query: (q: typeof getSeriesQuery) => Promise<SeriesSnapshot> }, predicate: (series: SeriesSnapshot) => boolean): Promise<SeriesSnapshot> {
  for (let i = 0; i < 200; i++) {
    const series = await handle.query(getSeriesQuery);
    if (predicate(series)) return series;
    await env.sleep(6 * HOUR);
  }
  throw new Error('the series never reached the expected state');
}

describe('the weekly series workflow', () => {
  it('books each week its lead time before the lesson, reports a taken week, and completes after the last lesson begins', async () => {
    const { activities, recorded } = recordingActivities({ 2: { kind: 'taken', reason: 'payment_failed', detail: 'Your card was declined.' } });
    await runSeries(
      (now) => seriesInput(now, 2 * DAY, 4),
      activities,
      async (handle, input) => {
        const final = await handle.result();
        expect(final.status).toBe('completed');
        expect(final.weeks.map((week) => week.status)).toEqual(['booked', 'booked', 'taken', 'booked']);
        expect(final.weeks[2]).toMatchObject({ reason: 'payment_failed', detail: 'Your card was declined.' });
        expect(final.weeks[2]!.bookingId).toBeUndefined();
        // Never earlier than the lead (the hold must not outlive Stripe's window), and at once when already within it.
        for (const { week, atMs } of recorded.booked) {
          const start = Date.parse(input.weeks[week]!.sessionStart);
          const due = week === 0 ? 2 * DAY : LEAD;
          expect(start - atMs).toBeLessThanOrEqual(due);
          expect(start - atMs).toBeGreaterThan(due - HOUR);
        }
        expect(recorded.booked.map((call) => call.week)).toEqual([0, 1, 2, 3]);
      },
    );
    expect(recorded.notified).toEqual([{ week: 2, reason: 'payment_failed' }]);
    expect(recorded.statuses).toEqual(['completed']);
  });

  it('skips a week not booked yet and a booked one, refuses what cannot be skipped, then cancels the rest', async () => {
    const { activities, recorded } = recordingActivities({ 1: { kind: 'taken', reason: 'tutor_busy', detail: 'The tutor is already booked at that time' } });
    await runSeries(
      (now) => seriesInput(now, DAY, 5),
      activities,
      async (handle, input) => {
        await until(handle, (series) => series.weeks[0]!.status === 'booked');
        const studentId = input.studentId;
        // Week 3 is not booked yet: it never will be. Week 0 is booked: its lesson is cancelled (the booking's rules).
        expect((await handle.executeUpdate(skipWeekUpdate, { args: [{ actorId: studentId, week: 3 }] })).weeks[3]!.status).toBe('skipped');
        const bookingOfWeek0 = (await handle.query(getSeriesQuery)).weeks[0]!.bookingId!;
        expect((await handle.executeUpdate(skipWeekUpdate, { args: [{ actorId: studentId, week: 0 }] })).weeks[0]!.status).toBe('skipped');
        expect(recorded.cancelled).toEqual([{ bookingId: bookingOfWeek0, actor: 'student' }]);

        expect(await refusalOf(handle.executeUpdate(skipWeekUpdate, { args: [{ actorId: studentId, week: 3 }] }))).toMatchObject({ type: SERIES_REFUSALS.invalidState });
        expect(await refusalOf(handle.executeUpdate(skipWeekUpdate, { args: [{ actorId: studentId, week: 9 }] }))).toMatchObject({ type: SERIES_REFUSALS.noSuchWeek });

        // Week 1 comes due and is taken; week 2 comes due and is booked.
        const midway = await until(handle, (series) => series.weeks[2]!.status === 'booked');
        expect(midway.weeks[1]).toMatchObject({ status: 'taken', reason: 'tutor_busy' });
        expect(await refusalOf(handle.executeUpdate(skipWeekUpdate, { args: [{ actorId: studentId, week: 1 }] }))).toMatchObject({ type: SERIES_REFUSALS.invalidState });

        const cancelled = await handle.executeUpdate(cancelSeriesUpdate, { args: [{ actor: 'tutor', actorId: input.tutorId, reason: 'Moving away' }] });
        expect(cancelled.status).toBe('cancelled');
        expect(cancelled.weeks.map((week) => week.status)).toEqual(['skipped', 'taken', 'cancelled', 'skipped', 'cancelled']);
        expect(recorded.cancelled.at(-1)).toEqual({ bookingId: midway.weeks[2]!.bookingId, actor: 'tutor' });
        expect((await handle.result()).status).toBe('cancelled');
      },
    );
    expect(recorded.booked.map((call) => call.week)).toEqual([0, 1, 2]);
    expect(recorded.notified).toEqual([{ week: 1, reason: 'tutor_busy' }]);
    expect(recorded.statuses).toEqual(['cancelled']);
  });

  it('continues as new when its history grows, carrying every week', async () => {
    const { activities, recorded } = recordingActivities();
    await runSeries(
      (now) => seriesInput(now, DAY, 8, 40),
      activities,
      async (handle) => {
        const final = await handle.result();
        expect(final.weeks.every((week) => week.status === 'booked')).toBe(true);
        const latest = await env.client.workflow.getHandle(handle.workflowId).describe();
        expect(latest.runId).not.toBe(handle.firstExecutionRunId);
      },
    );
    expect(recorded.booked.map((call) => call.week)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
