/**
 * A lesson paid with a package's credit, on the real time-skipping server: the booking's workflow
 * (behind patched('pay-with-credit')) and the package's workflow on one worker, with recording
 * activities. No card is touched by the booking; the lesson settles with the package: delivered
 * after the payout hold (the package pays the tutor from its charge), or returned when cancelled
 * early enough. A free trial moves no money at all.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptUpdate, bookingWorkflowId, cancelUpdate, type BookingWorkflowInput, submitUpdate } from '../../workflows/booking/definitions.js';
import { bookingWorkflow } from '../../workflows/booking/workflow.js';
import { getPackageQuery, packageWorkflowId, submitPackageUpdate } from '../../workflows/package/definitions.js';
import { packageWorkflow } from '../../workflows/package/workflow.js';
import { bookingInput, HOUR, type RecordingActivities, recordingActivities } from '../support/booking-workflow.js';
import { packageInput, type RecordedPackage, recordingPackageActivities } from '../support/package-workflow.js';
import { timeSkippingEnvironment, uniqueTaskQueue, workflowBundle } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnvironment();
});
afterAll(() => env?.teardown());

const CARD_CALLS = ['authorizePayment', 'capturePayment', 'releasePayment', 'refundPayment', 'payoutTutor', 'reverseTransfer'];

async function withCreditLesson(
  overrides: Partial<BookingWorkflowInput>,
  body: (booking: { handle: ReturnType<typeof env.client.workflow.getHandle>; input: BookingWorkflowInput }, packageHandle: ReturnType<typeof env.client.workflow.getHandle>) => Promise<void>,
): Promise<{ booking: RecordingActivities; pkg: RecordedPackage }> {
  const taskQueue = uniqueTaskQueue('credit-lesson');
  const now = await env.currentTimeMs();
  const pkgInput = packageInput(now);
  const pkg = recordingPackageActivities(() => pkgInput, { unused: 4, consumed: 1 });
  const booking = recordingActivities();
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: { ...booking, ...pkg } });
  const input = bookingInput(now, { packageId: pkgInput.packageId, priceMinor: 5_000, paymentMethodId: '', studentId: pkgInput.studentId, tutorId: pkgInput.tutorId, ...overrides });
  await worker.runUntil(async () => {
    const packageHandle = await env.client.workflow.start(packageWorkflow, { taskQueue, workflowId: packageWorkflowId(pkgInput.packageId), args: [pkgInput] });
    await packageHandle.executeUpdate(submitPackageUpdate, { args: [{ requestHash: pkgInput.requestHash }] });
    const handle = await env.client.workflow.start(bookingWorkflow, { taskQueue, workflowId: bookingWorkflowId(input.bookingId), args: [input] });
    try {
      await body({ handle, input }, packageHandle);
      // Both workflows run to their end (the package's expiry is skipped to): a run terminated on the
      // time-skipping server leaves that server's clock locked, and the next test's timers never fire.
      await handle.result();
      await packageHandle.result();
    } catch (error) {
      await handle.terminate('test failed').catch(() => undefined);
      await packageHandle.terminate('test failed').catch(() => undefined);
      throw error;
    }
  });
  return { booking, pkg };
}

describe('a lesson paid with a credit', () => {
  it('holds no card, and once the payout hold is over the package pays the tutor from its charge', async () => {
    const { booking, pkg } = await withCreditLesson({}, async ({ handle, input }, packageHandle) => {
      expect(await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] })).toMatchObject({ status: 'REQUESTED', paymentStatus: 'authorized' });
      expect(await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] })).toMatchObject({ status: 'SCHEDULED', paymentStatus: 'captured', capturedMinor: 5_000 });
      const final = await handle.result();
      expect(final).toMatchObject({ status: 'ENDED', paymentStatus: 'paid_out', capturedMinor: 5_000, refundedMinor: 0, paidOutMinor: 4_250 });
      for (let i = 0; i < 20 && (await packageHandle.query(getPackageQuery)).paidOutMinor === 0; i++) await env.sleep(HOUR);
      expect(await packageHandle.query(getPackageQuery)).toMatchObject({ status: 'active', paidOutMinor: 4_250, settledLessons: 1 });
    });
    expect(booking.names().filter((name) => CARD_CALLS.includes(name))).toEqual([]);
    expect(pkg.callsOf('payLesson')).toEqual([expect.objectContaining({ amountMinor: 4_250, chargeId: 'ch_1', tutorAccountId: 'acct_tutor' })]);
  });

  it('gives the credit back when the tutor cancels, and pays nobody', async () => {
    const { booking, pkg } = await withCreditLesson({}, async ({ handle, input }, packageHandle) => {
      await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
      const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'tutor', actorId: input.tutorId, reason: 'ill' }] });
      expect(cancelled).toMatchObject({ status: 'CANCELLED', capturedMinor: 5_000, refundedMinor: 5_000 });
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', paidOutMinor: 0 });
      for (let i = 0; i < 20 && (await packageHandle.query(getPackageQuery)).settledLessons === 0; i++) await env.sleep(HOUR);
    });
    expect(booking.names().filter((name) => CARD_CALLS.includes(name))).toEqual([]);
    expect(pkg.callsOf('returnCredit')).toEqual([expect.objectContaining({ bookingId: expect.any(String) })]);
    expect(pkg.callsOf('payLesson')).toEqual([]);
  });
});

// After the credit lessons on purpose: this order used to hang (their terminated workflows left the
// time-skipping server's clock locked), so the file itself guards against it.
describe('a free trial lesson', () => {
  it('runs to its end without any money step (Stripe refuses a PaymentIntent of 0)', async () => {
    const taskQueue = uniqueTaskQueue('free-trial');
    const booking = recordingActivities();
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: booking });
    const input = bookingInput(await env.currentTimeMs(), { priceMinor: 0, paymentMethodId: '' });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(bookingWorkflow, { taskQueue, workflowId: bookingWorkflowId(input.bookingId), args: [input] });
      await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
      expect(await handle.result()).toMatchObject({ status: 'ENDED', capturedMinor: 0, refundedMinor: 0, paidOutMinor: 0 });
    });
    expect(booking.names().filter((name) => CARD_CALLS.includes(name) || name === 'getPayoutAccount')).toEqual([]);
    expect(booking.names()).toContain('createMeeting');
  });
});
