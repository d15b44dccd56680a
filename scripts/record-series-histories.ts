/**
 * Records the weekly series workflow's histories that the test run replays (test/workflow/replay.test.ts
 * replays every file in test/histories), so a change to the series workflow's command order fails a
 * test before it fails a running series. Same rules as scripts/record-histories.ts: from committed
 * code; an existing file is kept unless --overwrite is given.
 *
 *   tsx scripts/record-series-histories.ts [--overwrite]
 *
 * The scenario runs on the time-skipping test server (weeks pass in seconds) with activities that
 * answer as the booking service would: four weeks; week 0 booked at once, week 3 then week 0
 * skipped (its lesson cancelled), week 1 taken (the tutor busy), week 2 booked, then the rest cancelled.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { cancelSeriesUpdate, getSeriesQuery, type SeriesSnapshot, seriesWorkflowId, skipWeekUpdate } from '../workflows/series/definitions.js';
import { lessonSeriesWorkflow } from '../workflows/series/workflow.js';
import { DAY, HOUR, recordingSeriesActivities, seriesInput } from '../test/support/series-workflow.js';
import { timeSkippingEnvironment, workflowBundle } from '../test/support/temporal.js';
import { HISTORIES_DIR, writeHistory } from './replay/histories.js';

const NAME = 'series-skip-taken-cancel';
const file = path.join(HISTORIES_DIR, `${NAME}.json`);
if (existsSync(file) && !process.argv.includes('--overwrite')) {
  console.log(`${file} exists; kept (--overwrite to record it again)`);
  process.exit(0);
}

const env = await timeSkippingEnvironment();
try {
  const taskQueue = `record-${NAME}`;
  const { activities } = recordingSeriesActivities({ 1: { kind: 'taken', reason: 'tutor_busy', detail: 'The tutor is already booked at that time' } });
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  await worker.runUntil(async () => {
    const input = seriesInput(await env.currentTimeMs(), DAY, 4, 5_000, {
      seriesId: '5e41e5e5-0000-4000-8000-000000000001',
      studentId: '5e41e5e5-0000-4000-8000-000000000002',
      tutorId: '5e41e5e5-0000-4000-8000-000000000003',
    });
    const handle = await env.client.workflow.start(lessonSeriesWorkflow, { taskQueue, workflowId: seriesWorkflowId(input.seriesId), args: [input] });
    const until = async (predicate: (series: SeriesSnapshot) => boolean) => {
      for (let i = 0; i < 100 && !predicate(await handle.query(getSeriesQuery)); i++) await env.sleep(6 * HOUR);
    };
    await until((series) => series.weeks[0]!.status === 'booked');
    await handle.executeUpdate(skipWeekUpdate, { args: [{ actorId: input.studentId, week: 3 }] });
    await handle.executeUpdate(skipWeekUpdate, { args: [{ actorId: input.studentId, week: 0 }] });
    await until((series) => series.weeks[2]!.status === 'booked');
    await handle.executeUpdate(cancelSeriesUpdate, { args: [{ actor: 'student', actorId: input.studentId, reason: 'Moving away' }] });
    await handle.result();
    await writeHistory(file, await handle.fetchHistory());
  });
  console.log(`recorded ${file}`);
} finally {
  await env.teardown();
}
