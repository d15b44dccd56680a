/**
 * The recorded booking histories (test/histories, made by scripts/record-histories.ts) replay
 * against the current workflow code, one test per history so a failure names its scenario: a change
 * that would break running bookings on deploy fails here first. No server is involved: a replay runs
 * the workflow code against the events alone.
 */
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { readHistory, recordedHistories } from '../../scripts/replay/histories.js';
import { formatOutcome, replayHistory } from '../../scripts/replay/replay-history.js';
import { bundleAlteredWorkflow, type SourceEdit } from '../histories/fixtures/altered-workflow.js';
import { workflowBundle } from '../support/temporal.js';

// Each failed replay makes the SDK core log a warning; the assertions say what matters.
Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });

const histories = recordedHistories();

let current: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  current = await workflowBundle();
});

it('has a recorded history for each booking path the brief names', () => {
  const names = histories.map((history) => history.name);
  for (const scenario of ['full-lesson-payout', 'expiry', 'decline', 'student-late-cancel', 'reschedule', '3ds-webhook', 'no-show-admin-refund']) {
    expect(names).toContain(`booking-${scenario}`);
  }
  // A lesson paid with a credit and the package's own workflow (scripts/record-package-histories.ts).
  expect(names).toEqual(expect.arrayContaining(['booking-credit-lesson', 'package-credit-lesson-expiry']));
});

describe('each recorded history replays against the current code', () => {
  it.each(histories)('$name', async ({ name, file }) => {
    const outcome = await replayHistory({ workflowBundle: current, workflowId: name }, readHistory(file));
    expect(outcome.ok, formatOutcome(name, outcome)).toBe(true);
  });
});

describe('a change of command order', () => {
  const expiry = histories.find((history) => history.name === 'booking-expiry')!;
  // Closing a request releases the card hold, then records the new status. Doing it the other way
  // round is a harmless-looking refactor that running bookings cannot replay.
  const releaseThenRecord = '  await release(steps, reason);\n  await steps.close(to, { actor, actorId, reason }, notice);\n';
  const recordThenRelease = '  await steps.close(to, { actor, actorId, reason }, notice);\n  await release(steps, reason);\n';
  const reordered: SourceEdit = { file: 'transitions.ts', find: releaseThenRecord, replace: recordThenRelease };
  const reorderedBehindPatch: SourceEdit[] = [
    { file: 'transitions.ts', find: "import { attempt } from './effects.js';\n", replace: "import { patched } from '@temporalio/workflow';\nimport { attempt } from './effects.js';\n" },
    {
      file: 'transitions.ts',
      find: releaseThenRecord,
      replace: [
        "  if (patched('record-transition-before-release')) {",
        '    await steps.close(to, { actor, actorId, reason }, notice);',
        '    await release(steps, reason);',
        '  } else {',
        '    await release(steps, reason);',
        '    await steps.close(to, { actor, actorId, reason }, notice);',
        '  }',
        '',
      ].join('\n'),
    },
  ];

  it('fails replay with a DeterminismViolationError, located at the first event the new code disagrees with', async () => {
    const workflowBundle = await bundleAlteredWorkflow(reordered);
    const history = readHistory(expiry.file);
    await expect(Worker.runReplayHistory({ workflowBundle }, history, expiry.name)).rejects.toBeInstanceOf(DeterminismViolationError);

    const outcome = await replayHistory({ workflowBundle, workflowId: expiry.name }, history);
    expect(outcome).toMatchObject({ ok: false, nondeterministic: true });
    if (outcome.ok || !outcome.divergence) throw new Error('expected a located divergence');
    // The history released the hold first; the new code records the status (search attributes) first.
    expect(outcome.divergence.event).toMatch(/^ActivityTaskScheduled releasePayment/);
    const completedTask = history.events!.find((event) => Number(event.eventId) === outcome.divergence!.resetEventId);
    expect(completedTask?.workflowTaskCompletedEventAttributes).toBeTruthy();
    expect(outcome.divergence.resetEventId).toBeLessThan(outcome.divergence.eventId);
    expect(formatOutcome(expiry.name, outcome)).toContain(`first differing event: ${outcome.divergence.eventId} ActivityTaskScheduled releasePayment`);
  });

  it('replays when the same change is behind patched()', async () => {
    const workflowBundle = await bundleAlteredWorkflow(...reorderedBehindPatch);
    const outcome = await replayHistory({ workflowBundle, workflowId: expiry.name }, readHistory(expiry.file));
    expect(outcome.ok, formatOutcome(expiry.name, outcome)).toBe(true);
  });
});
