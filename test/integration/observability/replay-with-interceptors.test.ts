/**
 * Deploying the observability interceptors cannot break running bookings: every recorded history
 * (made without them) replays against the production bundle's recipe, which adds the tracing and
 * log-attribute workflow interceptors. They issue no commands; the span ids they draw come from the
 * workflow's seeded random source, which the booking workflow itself does not use.
 */
import { DefaultLogger, makeTelemetryFilterString, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { readHistory, recordedHistories } from '../../../scripts/replay/histories.js';
import { formatOutcome, replayHistory } from '../../../scripts/replay/replay-history.js';
import { observedBundle } from './observed-worker.js';

Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });

const histories = recordedHistories();
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await observedBundle();
});

describe('recorded histories replay with the observability interceptors bundled', () => {
  it('has histories to replay', () => expect(histories.length).toBeGreaterThan(5));

  it.each(histories)('$name', async ({ name, file }) => {
    const outcome = await replayHistory({ workflowBundle: bundle, workflowId: name }, readHistory(file));
    expect(outcome.ok, formatOutcome(name, outcome)).toBe(true);
  });
});
