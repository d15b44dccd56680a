/**
 * Reschedule rules on the time-skipping server: how often and how late, proposals that lapse, a
 * shorter lesson that refunds the difference, and a tutor's late proposal that, declined, is the
 * tutor's cancellation. (The slot checks — schedule, notice, horizon, length — are the API's:
 * test/integration/bookings/reschedule-api.test.ts.)
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptUpdate, adminRefundUpdate, answerRescheduleUpdate, cancelUpdate, getBookingQuery, proposeRescheduleUpdate, submitUpdate } from '../../workflows/booking/definitions.js';
import { HOUR, MINUTE, type RecordingActivities } from '../support/booking-workflow.js';
import { type BookingHandle, bookingRunner, refusalOf } from '../support/booking-runner.js';
import { timeSkippingEnvironment } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnvironment();
});
afterAll(() => env?.teardown());

const withBooking = bookingRunner(() => env, 'reschedule');

async function scheduled(handle: BookingHandle, input: { requestHash: string; tutorId: string }): Promise<void> {
  await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
  await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
}

/** A proposal `shiftHours` after the current start, `minutes` long. */
async function propose(handle: BookingHandle, actorId: string, shiftHours: number, minutes = 60, noticeMinutes = 0) {
  const { sessionStart } = await handle.query(getBookingQuery);
  const start = Date.parse(sessionStart) + shiftHours * HOUR;
  return handle.executeUpdate(proposeRescheduleUpdate, {
    args: [{ actorId, sessionStart: new Date(start).toISOString(), sessionEnd: new Date(start + minutes * MINUTE).toISOString(), noticeMinutes }],
  });
}

const eventTypes = (activities: RecordingActivities) => activities.callsOf('recordEvent').map((call) => call.type);

describe('how often and how late', () => {
  it('allows two reschedules, then refuses a third naming the limit', async () => {
    await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      for (let i = 0; i < 2; i++) {
        await propose(handle, input.studentId, 2);
        await handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.tutorId, accept: true }] });
      }
      const third = await refusalOf(propose(handle, input.tutorId, 2));
      expect(third).toMatchObject({ type: 'InvalidRequest', message: expect.stringMatching(/already rescheduled 2 times, the most allowed \(2\)/) });
    });
  });

  it('refuses a student within 12 h of the start; a tutor’s late proposal declined is the tutor’s cancellation (full refund)', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      await env.sleep(62 * HOUR); // 10 h before the start
      expect(await refusalOf(propose(handle, input.studentId, 24))).toMatchObject({ type: 'InvalidRequest', message: expect.stringMatching(/within 12 h of the start/) });
      const proposed = await propose(handle, input.tutorId, 24);
      expect(proposed.pendingReschedule).toMatchObject({ proposedBy: 'tutor', late: true });
      const declined = await handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.studentId, accept: false }] });
      expect(declined).toMatchObject({ status: 'CANCELLED', refundedMinor: 5_000 });
    });
    expect(activities.callsOf('refundPayment')).toEqual([expect.objectContaining({ amountMinor: 5_000, step: 'refund-cancel' })]);
    expect(activities.callsOf('recordTransition').at(-1)).toMatchObject({ to: 'CANCELLED', actor: 'tutor' });
  });

  it('keeps an early tutor proposal declined as a plain decline', async () => {
    await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      expect((await propose(handle, input.tutorId, 24)).pendingReschedule?.late).toBeUndefined();
      const declined = await handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.studentId, accept: false }] });
      expect(declined).toMatchObject({ status: 'SCHEDULED', refundedMinor: 0 });
    });
  });
});

describe('a proposal', () => {
  it('lapses after its time to live; both parties hear of it and an answer is then refused', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      const proposed = await propose(handle, input.studentId, 24);
      expect(Date.parse(proposed.pendingReschedule!.expiresAt!) - Date.now()).toBeGreaterThan(0);
      await env.sleep(25 * HOUR);
      const state = await handle.query(getBookingQuery);
      expect(state.pendingReschedule).toBeUndefined();
      expect(state.sessionStart).toBe(input.sessionStart);
      expect((await refusalOf(handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.tutorId, accept: true }] }))).message).toMatch(/No new time/);
    });
    expect(eventTypes(activities)).toContain('reschedule.expired');
    expect(activities.callsOf('notify').find((call) => call.template === 'reschedule-expired')!.recipientUserIds).toHaveLength(2);
  });

  it('never lapses after the current start minus the tutor’s notice', async () => {
    await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      await env.sleep(60 * HOUR); // 12 h before the start; the tutor's notice is 6 h, the TTL 24 h
      const proposed = await propose(handle, input.tutorId, 24, 60, 6 * 60);
      expect(proposed.pendingReschedule!.expiresAt).toBe(new Date(Date.parse(input.sessionStart) - 6 * HOUR).toISOString());
      expect(await refusalOf(propose(handle, input.tutorId, 24, 60, 13 * 60))).toMatchObject({ message: expect.stringMatching(/within the tutor’s minimum notice/) });
    });
  });
});

describe('a change of length', () => {
  it('refunds the difference of a shorter lesson on acceptance, and pays the tutor on what remains', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      const proposed = await propose(handle, input.tutorId, 1, 30);
      expect(proposed.pendingReschedule!.priceMinor).toBe(2_500);
      expect((await handle.query(getBookingQuery)).refundedMinor).toBe(0);
      const accepted = await handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.studentId, accept: true }] });
      expect(accepted).toMatchObject({ refundedMinor: 2_500, capturedMinor: 5_000 });
      const final = await handle.result();
      expect(final).toMatchObject({ paidOutMinor: 2_125, refundedMinor: 2_500 });
    });
    expect(activities.callsOf('refundPayment')).toEqual([expect.objectContaining({ amountMinor: 2_500, step: 'refund-reschedule-1' })]);
  });

  it('charges a longer lesson’s difference as a payment of its own on acceptance, pays the tutor one transfer per charge, and reverses newest first', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      const proposed = await propose(handle, input.studentId, 24, 90);
      expect(proposed.pendingReschedule!.priceMinor).toBe(7_500);
      expect((await handle.query(getBookingQuery)).capturedMinor).toBe(5_000);
      const accepted = await handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.tutorId, accept: true }] });
      expect(accepted).toMatchObject({ priceMinor: 7_500, capturedMinor: 7_500, refundedMinor: 0 });
      expect(accepted.payments).toHaveLength(2);
      await env.sleep(24 * HOUR + 72 * HOUR + 2 * HOUR + 72 * HOUR); // past the new end, grace and the payout hold
      const paid = await handle.query(getBookingQuery);
      expect(paid).toMatchObject({ status: 'ENDED', paidOutMinor: 6_375 });
      // Everything back to the student after the payout: all the tutor holds is taken back, newest transfer first.
      const refunded = await handle.executeUpdate(adminRefundUpdate, { args: [{ adminId: 'admin-1', amountMinor: 7_500, reason: 'goodwill', requestId: 'k1' }] });
      expect(refunded).toMatchObject({ refundedMinor: 7_500, reversedMinor: 6_375 });
      expect(refunded.payments!.map((payment) => [payment.capturedMinor, payment.refundedMinor, payment.paidOutMinor, payment.reversedMinor])).toEqual([
        [5_000, 5_000, 5_000, 5_000],
        [2_500, 2_500, 1_375, 1_375],
      ]);
    });
    expect(activities.callsOf('authorizePayment').at(-1)).toMatchObject({ amountMinor: 2_500, step: 'reprice-1:authorize' });
    expect(activities.callsOf('capturePayment').at(-1)).toMatchObject({ step: 'reprice-1:capture' });
    expect(activities.callsOf('recordReschedule')).toEqual([expect.objectContaining({ priceMinor: 7_500 })]);
    expect(activities.callsOf('payoutTutor').map((call) => [call.chargeId, call.amountMinor, call.step])).toEqual([
      ['ch_1', 5_000, undefined],
      ['ch_reprice-1:capture', 1_375, 'reprice-1:payout'],
    ]);
    expect(activities.callsOf('refundPayment').map((call) => [call.amountMinor, call.step])).toEqual([
      [2_500, 'reprice-1:refund-admin-k1'],
      [5_000, 'refund-admin-k1'],
    ]);
    expect(activities.callsOf('reverseTransfer').map((call) => [call.transferId, call.amountMinor])).toEqual([
      ['tr_reprice-1:payout', 1_375],
      ['tr_1', 5_000],
    ]);
  });

  it('refunds a cancellation of a repriced lesson from the difference first, never a payment beyond what it captured', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      await propose(handle, input.tutorId, 24, 90);
      await handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.studentId, accept: true }] });
      await handle.executeUpdate(adminRefundUpdate, { args: [{ adminId: 'admin-1', amountMinor: 3_000, reason: 'goodwill', requestId: 'k2' }] });
      const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'tutor', actorId: input.tutorId, reason: 'ill' }] });
      expect(cancelled).toMatchObject({ status: 'CANCELLED', capturedMinor: 7_500, refundedMinor: 7_500 });
    });
    expect(activities.callsOf('refundPayment').map((call) => [call.paymentIntentId, call.amountMinor, call.step])).toEqual([
      [expect.stringMatching(/_reprice-1:authorize$/), 2_500, 'reprice-1:refund-admin-k2'],
      [expect.not.stringMatching(/reprice/), 500, 'refund-admin-k2'],
      [expect.not.stringMatching(/reprice/), 4_500, 'refund-cancel'],
    ]);
  });

  it('refuses the answer with a clear reason when the card refuses the difference, leaving the booking as it was', async () => {
    const activities = await withBooking({ repriceAuthorization: 'failed' }, async (handle, input) => {
      await scheduled(handle, input);
      await propose(handle, input.studentId, 24, 120);
      const refusal = await refusalOf(handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.tutorId, accept: true }] }));
      expect(refusal).toMatchObject({ type: 'PaymentRefused', message: expect.stringMatching(/extra 5000 could not be paid \(Your card was declined\.\); the lesson stays as it was/) });
      const state = await handle.query(getBookingQuery);
      expect(state).toMatchObject({ status: 'SCHEDULED', sessionStart: input.sessionStart, sessionEnd: input.sessionEnd, priceMinor: 5_000, capturedMinor: 5_000 });
      expect(state.pendingReschedule).toBeUndefined();
      expect(state.payments).toBeUndefined();
    });
    expect(activities.callsOf('recordReschedule')).toEqual([]);
    expect(eventTypes(activities)).toContain('reschedule.payment_failed');
    expect(activities.callsOf('notify').find((call) => call.template === 'reschedule-payment-failed')!.recipientUserIds).toHaveLength(2);
  });

  it('lets go of the difference’s hold when the bank asks for 3-D Secure, or when the new time was taken meanwhile', async () => {
    const threeDs = await withBooking({ repriceAuthorization: 'requires_action' }, async (handle, input) => {
      await scheduled(handle, input);
      await propose(handle, input.studentId, 24, 90);
      expect(await refusalOf(handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.tutorId, accept: true }] }))).toMatchObject({ type: 'PaymentRefused', message: expect.stringMatching(/3-D Secure/) });
      expect(await handle.query(getBookingQuery)).toMatchObject({ priceMinor: 5_000, capturedMinor: 5_000 });
    });
    expect(threeDs.callsOf('releasePayment')).toEqual([expect.objectContaining({ step: 'reprice-1:release' })]);
    const taken = await withBooking({ rescheduleResult: 'slot_taken' }, async (handle, input) => {
      await scheduled(handle, input);
      await propose(handle, input.studentId, 24, 90);
      expect(await refusalOf(handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.tutorId, accept: true }] }))).toMatchObject({ type: 'SlotTaken' });
      expect(await handle.query(getBookingQuery)).toMatchObject({ sessionStart: input.sessionStart, priceMinor: 5_000, capturedMinor: 5_000 });
    });
    expect(taken.callsOf('releasePayment')).toEqual([expect.objectContaining({ step: 'reprice-1:release' })]);
    expect(taken.callsOf('capturePayment')).toHaveLength(1);
  });
});
