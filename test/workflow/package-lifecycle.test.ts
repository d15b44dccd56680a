/**
 * The package workflow on the real time-skipping server, with activities that record what it asked
 * for (the real activities are exercised end to end by test/integration/packages): the charge, the
 * reminders a month and a week before expiry, the pro rata refund of unused credits at expiry, an
 * admin's refund (once per key), the tutor's share of each lesson taken from the package, and the
 * failure policy (a refused refund waits for an admin; the workflow never fails).
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminRefundPackageUpdate,
  getPackageQuery,
  lessonSettledSignal,
  type PackageSnapshot,
  packageWorkflowId,
  type PackageWorkflowInput,
  resolvePackageAttentionUpdate,
  submitPackageUpdate,
} from '../../workflows/package/definitions.js';
import { packageWorkflow } from '../../workflows/package/workflow.js';
import { refusalOf } from '../support/booking-runner.js';
import { DAY, packageInput, type PackageOptions, type RecordedPackage, recordingPackageActivities } from '../support/package-workflow.js';
import { timeSkippingEnvironment, uniqueTaskQueue, workflowBundle } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnvironment();
});
afterAll(() => env?.teardown());

type Handle = WorkflowHandle<typeof packageWorkflow>;

async function withPackage(options: PackageOptions, body: (handle: Handle, input: PackageWorkflowInput, activities: RecordedPackage) => Promise<void>): Promise<RecordedPackage> {
  const taskQueue = uniqueTaskQueue('package');
  const now = await env.currentTimeMs();
  const input = packageInput(now);
  const activities = recordingPackageActivities(() => input, options);
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(packageWorkflow, { taskQueue, workflowId: packageWorkflowId(input.packageId), args: [input] });
    try {
      await body(handle, input, activities);
    } finally {
      await handle.terminate('test finished').catch(() => undefined);
    }
  });
  return activities;
}

const templates = (activities: RecordedPackage) => activities.callsOf('notifyPackage').map((call) => call.template);

describe('the package workflow', () => {
  it('charges once, reminds a month and a week before expiry, and refunds the unused credits pro rata at expiry', async () => {
    const activities = await withPackage({ unused: 3, consumed: 2 }, async (handle, input) => {
      const bought = await handle.executeUpdate(submitPackageUpdate, { args: [{ requestHash: input.requestHash }] });
      expect(bought).toMatchObject({ status: 'active', capturedMinor: 25_000, refundedMinor: 0 });
      // Two lessons were booked with credits: one delivered, one forfeited by a late cancellation.
      await handle.signal(lessonSettledSignal, { bookingId: 'booking-a', outcome: 'delivered' });
      await handle.signal(lessonSettledSignal, { bookingId: 'booking-b', outcome: 'forfeited' });
      await handle.signal(lessonSettledSignal, { bookingId: 'booking-a', outcome: 'delivered' });
      const final = await handle.result();
      expect(final).toMatchObject({ status: 'expired', capturedMinor: 25_000, refundedMinor: 15_000, paidOutMinor: 8_500, settledLessons: 2 });
    });
    expect(activities.callsOf('chargePackage')).toEqual([expect.objectContaining({ amountMinor: 25_000 })]);
    expect(activities.callsOf('grantCredits')).toHaveLength(1);
    // Each lesson pays the tutor its value (25 000 / 5) less 15 % commission, once.
    expect(activities.callsOf('payLesson').map((call) => [call.bookingId, call.amountMinor, call.chargeId])).toEqual([
      ['booking-a', 4_250, 'ch_1'],
      ['booking-b', 4_250, 'ch_1'],
    ]);
    expect(templates(activities)).toEqual(['package-purchased', 'package-expiring', 'package-expiring', 'package-credits-refunded']);
    const reminderSteps = activities.callsOf('notifyPackage').filter((call) => call.template === 'package-expiring').map((call) => call.step);
    expect(reminderSteps).toEqual([`expiry-reminder-${30 * DAY}`, `expiry-reminder-${7 * DAY}`]);
    expect(activities.callsOf('refundPackage')).toEqual([expect.objectContaining({ amountMinor: 15_000, paymentIntentId: 'pi_1' })]);
  });

  it('ends without credits when the card is declined', async () => {
    const activities = await withPackage({ declined: true }, async (handle, input) => {
      const answer = await handle.executeUpdate(submitPackageUpdate, { args: [{ requestHash: input.requestHash }] });
      expect(answer).toMatchObject({ status: 'payment_failed', paymentFailure: 'Your card was declined.', capturedMinor: 0 });
      expect(await handle.result()).toMatchObject({ status: 'payment_failed' });
    });
    expect(activities.callsOf('grantCredits')).toEqual([]);
    expect(activities.callsOf('refundPackage')).toEqual([]);
  });

  it('refunds unused credits for an admin once per key, and refuses another refund of a refunded package', async () => {
    const activities = await withPackage({ unused: 4, consumed: 1 }, async (handle, input) => {
      await handle.executeUpdate(submitPackageUpdate, { args: [{ requestHash: input.requestHash }] });
      const refund = { adminId: 'admin-1', reason: 'moved abroad', requestId: 'key-1' };
      const refunded = await handle.executeUpdate(adminRefundPackageUpdate, { args: [refund] });
      expect(refunded).toMatchObject({ status: 'refunded', refundedMinor: 20_000 });
      expect(await handle.executeUpdate(adminRefundPackageUpdate, { args: [refund] })).toMatchObject({ refundedMinor: 20_000 });
      expect(await refusalOf(handle.executeUpdate(adminRefundPackageUpdate, { args: [{ ...refund, requestId: 'key-2' }] }))).toMatchObject({ type: 'InvalidState' });
      // The lesson booked before the refund still pays the tutor; then the package is done.
      await handle.signal(lessonSettledSignal, { bookingId: 'booking-a', outcome: 'delivered' });
      expect(await handle.result()).toMatchObject({ status: 'refunded', refundedMinor: 20_000, paidOutMinor: 4_250 });
    });
    expect(activities.callsOf('refundPackage')).toHaveLength(1);
    expect(activities.callsOf('takeUnusedCredits')).toEqual([expect.objectContaining({ kind: 'refund', dedupeKey: 'refund:key-1', status: 'refunded' })]);
  });

  it('waits for an admin when Stripe refuses the refund, and finishes once the retry went through', async () => {
    const activities = await withPackage({ unused: 5, refuseRefunds: 1 }, async (handle, input) => {
      await handle.executeUpdate(submitPackageUpdate, { args: [{ requestHash: input.requestHash }] });
      const waiting = await handle.executeUpdate(adminRefundPackageUpdate, { args: [{ adminId: 'admin-1', reason: 'goodwill', requestId: 'key-1' }] });
      expect(waiting).toMatchObject({ status: 'refunded', refundedMinor: 0, attention: [expect.objectContaining({ reason: 'refund_failed', amountMinor: 25_000 })] });
      const state: PackageSnapshot = await handle.query(getPackageQuery);
      const retried = await handle.executeUpdate(resolvePackageAttentionUpdate, { args: [{ adminId: 'admin-1', itemId: state.attention![0]!.id, action: 'retry', reason: 'Stripe is back' }] });
      expect(retried).toMatchObject({ refundedMinor: 25_000 });
      expect(retried.attention).toBeUndefined();
      expect(await handle.result()).toMatchObject({ status: 'refunded', refundedMinor: 25_000 });
    });
    expect(activities.callsOf('refundPackage')).toHaveLength(2);
  });
});
