/**
 * `npm run ops` against the real test stack: a booking workflow whose charge keeps failing is
 * listed by `attention` with its amount and a UI link, so is one in the attention state; after the
 * "fix" (the activity succeeds again) `retry` re-runs the step in the same run, and `reset` starts a
 * new run from the workflow task that scheduled it, which then completes.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAttention } from '../../../scripts/ops/attention.js';
import type { OpsContext } from '../../../scripts/ops/context.js';
import { describeExecution, fetchEvents, planReset, PlanError } from '../../../scripts/ops/execution.js';
import { resetBookings, resolveTargets, retryBookings } from '../../../scripts/ops/repair.js';
import { stackEnv } from '../../../scripts/stack/env.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { createTestUser } from '../../support/fixtures.js';
import { testConfig } from '../../support/harness.js';
import { REPO_ROOT } from '../../support/paths.js';
import { uniqueTaskQueue } from '../../support/temporal.js';
import { ensureAttentionAttribute } from './attention-attribute.js';
import { bookingWorkflow } from './stuck-workflows.js';

const TEMPORAL_ADDRESS = stackEnv('test').TEMPORAL_ADDRESS!;
const NAMESPACE = 'default';
const UI_URL = 'http://ui.example.test:8233';

let database: TestDatabase;
let connection: Connection;
let ctx: OpsContext;
let worker: { stop(): Promise<void> };
const chargeState = { broken: true, calls: 0 };

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** A booking row for the amount `ops attention` reads from Postgres. */
async function insertBooking(priceMinor: number): Promise<string> {
  const config = testConfig({ DATABASE_URL: database.url });
  const [studentUser, tutorUser] = [await createTestUser(database.db, config, 'student'), await createTestUser(database.db, config, 'tutor')];
  const id = randomUUID();
  const start = new Date(Date.now() + 7 * 86_400_000);
  await database.db('bookings').insert({
    id,
    student_id: studentUser.id,
    tutor_id: tutorUser.id,
    status: 'SCHEDULED',
    session_start: start,
    session_end: new Date(start.getTime() + 3_600_000),
    blocked_until: new Date(start.getTime() + 4_200_000),
    time_zone: 'UTC',
    price_minor: priceMinor,
    currency: 'EUR',
    commission_bps: 1_500,
    cancellation_policy: 'moderate',
    request_expires_at: start,
    idempotency_key: id,
    request_hash: 'ops-test',
    payment_status: 'authorized',
  });
  return id;
}

async function startBooking(mode: 'charge' | 'attention', priceMinor = 4_500): Promise<{ bookingId: string; workflowId: string }> {
  const bookingId = await insertBooking(priceMinor);
  const workflowId = `booking-${bookingId}`;
  await ctx.client.workflow.start(bookingWorkflow, { workflowId, taskQueue: ctx.taskQueue, args: [{ mode }] });
  return { bookingId, workflowId };
}

/** Until the charge has failed twice and waits a minute for its third attempt. */
const stuckOnThirdAttempt = (workflowId: string) =>
  until(`${workflowId} to be stuck`, async () => {
    const state = await describeExecution(ctx, workflowId);
    const activity = state.pendingActivities[0];
    return activity && activity.attempt >= 3 && activity.lastFailure ? state : undefined;
  });

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  database = await createTestDatabase();
  connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  await ensureAttentionAttribute(connection, NAMESPACE);
  const taskQueue = uniqueTaskQueue('ops');
  ctx = { client: new Client({ connection, namespace: NAMESPACE }), namespace: NAMESPACE, taskQueue, uiUrl: UI_URL, db: database.db };

  const nativeConnection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
  const running = await Worker.create({
    connection: nativeConnection,
    namespace: NAMESPACE,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: path.join(import.meta.dirname, 'stuck-workflows.ts'), logger: new DefaultLogger('WARN') }),
    activities: {
      charge: async () => {
        chargeState.calls++;
        if (chargeState.broken) throw new Error('card processor unavailable');
        return 'charged';
      },
    },
  });
  const done = running.run();
  worker = {
    async stop() {
      running.shutdown();
      await done;
      await nativeConnection.close();
    },
  };
});

afterAll(async () => {
  await worker?.stop();
  await connection?.close();
  await database?.drop();
});

describe('npm run ops', () => {
  it('lists stuck and attention bookings, then retry and reset make them go on', async () => {
    const retried = await startBooking('charge', 4_500);
    const reset = await startBooking('charge', 6_000);
    const attention = await startBooking('attention', 3_000);
    await Promise.all([stuckOnThirdAttempt(retried.workflowId), stuckOnThirdAttempt(reset.workflowId)]);

    // attention: the stuck charges (past 3 attempts) and the booking in the attention state.
    const items = await until('all three to be listed', async () => {
      const found = await findAttention(ctx, { minAttempts: 3, limit: 50 });
      return found.length === 3 ? found : undefined;
    });
    const byId = new Map(items.map((item) => [item.bookingId, item]));
    expect(byId.get(retried.bookingId)).toMatchObject({
      reason: 'activity:charge',
      activity: { type: 'charge', attempt: 3, lastFailure: 'card processor unavailable' },
      amount: { priceMinor: 4_500, capturedMinor: 0, currency: 'EUR' },
      bookingStatus: 'SCHEDULED',
      paymentStatus: 'authorized',
    });
    expect(byId.get(retried.bookingId)!.link).toMatch(new RegExp(`^${UI_URL}/namespaces/default/workflows/${retried.workflowId}/[0-9a-f-]+/history$`));
    expect(byId.get(retried.bookingId)!.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(byId.get(attention.bookingId)).toMatchObject({ reason: 'capture_refused', amount: { priceMinor: 3_000 } });
    // --query narrows both lists.
    expect((await findAttention(ctx, { minAttempts: 3, limit: 50, query: `WorkflowId = '${reset.workflowId}'` })).map((item) => item.bookingId)).toEqual([reset.bookingId]);
    // A higher threshold leaves the stuck charges out: they are on their third attempt.
    expect((await findAttention(ctx, { minAttempts: 4, limit: 50 })).map((item) => item.bookingId)).toEqual([attention.bookingId]);

    // The fix is deployed: the charge works again, but the next attempt is a minute away.
    chargeState.broken = false;

    // retry: the pending step runs again now, in the same run.
    const [retriedOutcome] = await retryBookings(ctx, [retried.bookingId], { dryRun: false, reason: 'ops test' });
    expect(retriedOutcome).toMatchObject({ action: 'retry-activity', workflowId: retried.workflowId });
    expect(await ctx.client.workflow.getHandle(retried.workflowId, retriedOutcome!.oldRunId).result()).toBe('charged');

    // reset (found by a query, as a batch would be): a dry run changes nothing, then a new run from
    // the workflow task that scheduled the charge.
    const targets = await resolveTargets(ctx, { ids: [], query: `WorkflowId = '${reset.workflowId}'`, limit: 10 });
    expect(targets).toEqual([reset.workflowId]);
    const progress: string[] = [];
    const [planned] = await resetBookings(ctx, targets, 'last-good', { dryRun: true, reason: 'ops test', progress: (line) => progress.push(line) });
    expect(planned).toMatchObject({ action: 'planned', plan: { why: expect.stringContaining('scheduled charge') } });
    expect(planned!.plan!.runsAgain).toEqual([expect.stringMatching(/^activity charge \(event \d+\)$/)]);
    expect(progress).toEqual([expect.stringMatching(new RegExp(`^\\[1/1\\] ${reset.workflowId}: would reset to event \\d+ .*runs again: activity charge`))]);
    expect((await describeExecution(ctx, reset.workflowId)).runId).toBe(planned!.oldRunId);

    const [outcome] = await resetBookings(ctx, targets, 'last-good', { dryRun: false, reason: 'ops test' });
    expect(outcome).toMatchObject({ action: 'reset', oldRunId: planned!.oldRunId });
    expect(outcome!.newRunId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outcome!.newRunId).not.toBe(outcome!.oldRunId);
    expect(await ctx.client.workflow.getHandle(reset.workflowId, outcome!.newRunId).result()).toBe('charged');

    // Neither is listed any more; the attention one is until a person resolves it.
    const after = await until('the repaired bookings to leave the list', async () => {
      const found = await findAttention(ctx, { minAttempts: 3, limit: 50 });
      return found.length === 1 ? found : undefined;
    });
    expect(after.map((item) => item.bookingId)).toEqual([attention.bookingId]);
    await ctx.client.workflow.getHandle(attention.workflowId).signal('resolved');
    expect(await ctx.client.workflow.getHandle(attention.workflowId).result()).toBe('resolved');
  });

  it('refuses to reset to an event that is not a workflow task', async () => {
    const booking = await startBooking('attention');
    const state = await until('the workflow to have run a task', async () => {
      const described = await describeExecution(ctx, booking.workflowId);
      return (await fetchEvents(ctx, booking.workflowId, described.runId)).length >= 4 ? described : undefined;
    });
    const events = await fetchEvents(ctx, booking.workflowId, state.runId);
    expect(() => planReset(state, events, 1)).toThrow(PlanError);
    expect(() => planReset(state, events, 1)).toThrow(/not a workflow task event; workflow tasks completed at: \d+/);
    expect(planReset(state, events, 'last-good')).toMatchObject({ why: 'the last completed workflow task' });
    await ctx.client.workflow.getHandle(booking.workflowId).terminate('test over');
  });

  it('runs as a command: attention --json, with the configuration the app reads', async () => {
    const booking = await startBooking('attention', 2_500);
    const env = { ...process.env, ...stackEnv('test'), DATABASE_URL: database.url, TEMPORAL_TASK_QUEUE: ctx.taskQueue, TEMPORAL_UI_URL: UI_URL, LOG_LEVEL: 'silent' };
    const run = promisify(execFile);
    const listed = await until('the command to list the booking', async () => {
      const { stdout } = await run(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), ['scripts/ops/cli.ts', 'attention', '--json'], { cwd: REPO_ROOT, env });
      const items = JSON.parse(stdout) as { bookingId: string; reason: string; amount?: { priceMinor: number } }[];
      return items.some((item) => item.bookingId === booking.bookingId) ? items : undefined;
    });
    expect(listed.find((item) => item.bookingId === booking.bookingId)).toMatchObject({ reason: 'capture_refused', amount: { priceMinor: 2_500 } });

    const usage = await run(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), ['scripts/ops/cli.ts', 'reset'], { cwd: REPO_ROOT, env }).catch((error: { code: number; stderr: string }) => error);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('reset needs booking ids or --query') });
    await ctx.client.workflow.getHandle(booking.workflowId).terminate('test over');
  });
});
