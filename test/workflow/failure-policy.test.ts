/**
 * The failure policy (README, "Failure policy"), one test per permanent failure, on the real
 * time-skipping server: whatever Stripe, Zoom, Brevo or Postgres refuse for good, the booking ends
 * in, or waits in, a defined state an admin can see; no workflow fails, no activity retries for
 * ever, and the money the workflow reports is the money that moved.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptUpdate,
  adminRefundUpdate,
  answerRescheduleUpdate,
  cancelUpdate,
  declineUpdate,
  getBookingQuery,
  proposeRescheduleUpdate,
  REFUSALS,
  resolveAttentionUpdate,
  submitUpdate,
} from '../../workflows/booking/definitions.js';
import { type BookingHandle, bookingRunner, refusalOf } from '../support/booking-runner.js';
import { HOUR, type RecordingActivities, transitions } from '../support/booking-workflow.js';
import type { BookingSnapshot, BookingWorkflowInput } from '../../workflows/booking/definitions.js';
import { timeSkippingEnvironment } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnvironment();
});
afterAll(() => env?.teardown());

const withBooking = bookingRunner(() => env, 'failure-policy');

async function accepted(handle: BookingHandle, input: BookingWorkflowInput) {
  await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
  return handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
}

const eventTypes = (activities: RecordingActivities) => activities.callsOf('recordEvent').map((call) => String(call.type));
const attentionWrites = (activities: RecordingActivities) => activities.callsOf('recordAttention').map((call) => call.reason);

/** Waits (on the server's clock, skipping time) until the booking's query shows `predicate`. */
async function until(handle: BookingHandle, predicate: (state: BookingSnapshot) => boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const state = await handle.query(getBookingQuery);
    if (predicate(state)) return;
    await env.sleep(3 * HOUR);
  }
  throw new Error('the booking never reached the expected state');
}

describe('side effects are best effort', () => {
  it('goes on without a meeting link when Zoom refuses at accept, and tries again at the next reminder', async () => {
    const activities = await withBooking({ refuse: { createMeeting: 2 } }, async (handle, input) => {
      const scheduled = await accepted(handle, input);
      expect(scheduled).toMatchObject({ status: 'SCHEDULED', paymentStatus: 'captured' });
      expect(scheduled.meetingJoinUrl).toBeUndefined();
      const final = await handle.result();
      // The second reminder got the meeting: the lesson went on and the tutor was paid.
      expect(final).toMatchObject({ status: 'ENDED', paymentStatus: 'paid_out', meetingJoinUrl: 'https://zoom.example/j/1' });
      expect(final.attention).toBeUndefined();
    });
    expect(activities.callsOf('createMeeting')).toHaveLength(3);
    expect(eventTypes(activities).filter((type) => type === 'meeting.failed')).toHaveLength(2);
    expect(eventTypes(activities)).toContain('meeting.created');
  });

  it('moves the lesson when Zoom refuses to move the meeting, and says so on the timeline', async () => {
    const activities = await withBooking({ refuse: { updateMeeting: 'always' } }, async (handle, input) => {
      await accepted(handle, input);
      const newStart = new Date(Date.parse(input.sessionStart) + 24 * HOUR);
      await handle.executeUpdate(proposeRescheduleUpdate, { args: [{ actorId: input.studentId, sessionStart: newStart.toISOString(), sessionEnd: new Date(newStart.getTime() + HOUR).toISOString() }] });
      const moved = await handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.tutorId, accept: true }] });
      expect(moved).toMatchObject({ status: 'SCHEDULED', sessionStart: newStart.toISOString() });
      await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'admin', actorId: 'admin-1', reason: 'end of test' }] });
    });
    expect(eventTypes(activities)).toContain('meeting.update_failed');
    expect(activities.names()).toContain('syncCalendars');
  });

  it('cancels and refunds when Google Calendar, the meeting’s deletion and the availability broadcast are all refused', async () => {
    const activities = await withBooking(
      { refuse: { syncCalendars: 'always', removeCalendarEvents: 'always', deleteMeeting: 'always', publishAvailabilityChanged: 'always' } },
      async (handle, input) => {
        expect(await accepted(handle, input)).toMatchObject({ status: 'SCHEDULED', meetingJoinUrl: 'https://zoom.example/j/1' });
        const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'tutor', actorId: input.tutorId, reason: 'ill' }] });
        expect(cancelled).toMatchObject({ status: 'CANCELLED', refundedMinor: 5_000, paymentStatus: 'refunded' });
        expect(cancelled.attention).toBeUndefined();
        expect(await handle.result()).toMatchObject({ status: 'CANCELLED' });
      },
    );
    expect(eventTypes(activities)).toContain('meeting.delete_failed');
    expect(activities.callsOf('removeCalendarEvents')).toHaveLength(1);
  });

  it('lives a whole lesson when every email is refused (an unknown template), with each failure on the timeline', async () => {
    const activities = await withBooking({ refuse: { notify: 'always' } }, async (handle, input) => {
      await accepted(handle, input);
      expect(await handle.result()).toMatchObject({ status: 'ENDED', paymentStatus: 'paid_out' });
    });
    expect(transitions(activities)).toEqual(['REQUESTED', 'SCHEDULED', 'ACTIVE', 'ENDED']);
    expect(eventTypes(activities).filter((type) => type === 'email.failed').length).toBe(activities.callsOf('notify').length);
  });
});

describe('money refused for good', () => {
  it('releases the hold and cancels when the capture is refused, and waits for an admin to acknowledge it', async () => {
    const activities = await withBooking({ refuse: { capturePayment: 'always' } }, async (handle, input) => {
      const answer = await accepted(handle, input);
      expect(answer).toMatchObject({ status: 'CANCELLED', paymentStatus: 'released', capturedMinor: 0 });
      expect(answer.attention).toEqual([expect.objectContaining({ id: 'capture', reason: 'capture_failed', retryable: false })]);
      // Nothing to run again: only closing is possible.
      expect((await refusalOf(handle.executeUpdate(resolveAttentionUpdate, { args: [{ adminId: 'admin-1', action: 'retry', reason: 'try' }] }))).type).toBe(REFUSALS.invalidRequest);
      const closed = await handle.executeUpdate(resolveAttentionUpdate, { args: [{ adminId: 'admin-1', action: 'close', reason: 'student told' }] });
      expect(closed.attention).toBeUndefined();
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', paymentStatus: 'released' });
    });
    expect(activities.callsOf('releasePayment')).toHaveLength(1);
    expect(attentionWrites(activities)).toEqual(['capture_failed', null]);
  });

  it('keeps the booking DECLINED and the hold owed when the release is refused, until an admin retries it', async () => {
    const activities = await withBooking({ refuse: { releasePayment: 2 } }, async (handle, input) => {
      await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      const declined = await handle.executeUpdate(declineUpdate, { args: [{ tutorId: input.tutorId }] });
      expect(declined).toMatchObject({ status: 'DECLINED', paymentStatus: 'authorized' });
      expect(declined.attention).toEqual([expect.objectContaining({ id: 'release', reason: 'release_failed', retryable: true })]);
      // Not closed by hand: that would leave the card held with nobody to release it.
      expect((await refusalOf(handle.executeUpdate(resolveAttentionUpdate, { args: [{ adminId: 'admin-1', action: 'close', reason: 'done' }] }))).type).toBe(REFUSALS.invalidRequest);
      // Refused again: the item stays and the admin is told.
      expect((await refusalOf(handle.executeUpdate(resolveAttentionUpdate, { args: [{ adminId: 'admin-1', action: 'retry', reason: 'once more' }] }))).type).toBe(REFUSALS.paymentRefused);
      const retried = await handle.executeUpdate(resolveAttentionUpdate, { args: [{ adminId: 'admin-1', itemId: 'release', action: 'retry', reason: 'Stripe is fixed' }] });
      expect(retried).toMatchObject({ status: 'DECLINED', paymentStatus: 'released' });
      expect(retried.attention).toBeUndefined();
      expect(await handle.result()).toMatchObject({ status: 'DECLINED', paymentStatus: 'released' });
    });
    expect(activities.callsOf('releasePayment')).toHaveLength(3);
    expect(eventTypes(activities)).toEqual(expect.arrayContaining(['attention.raised', 'attention.resolved', 'payment.released']));
  });

  it('cancels and owes the refund when Stripe refuses it, until an admin retries it with the same key', async () => {
    const activities = await withBooking({ refuse: { refundPayment: 1 } }, async (handle, input) => {
      await accepted(handle, input);
      const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'tutor', actorId: input.tutorId, reason: 'ill' }] });
      expect(cancelled).toMatchObject({ status: 'CANCELLED', capturedMinor: 5_000, refundedMinor: 0 });
      expect(cancelled.attention).toEqual([expect.objectContaining({ id: 'refund-cancel', reason: 'refund_failed', amountMinor: 5_000 })]);
      // The payout hold passes, but the tutor is not paid the money the student is owed.
      await env.sleep(10 * 24 * HOUR);
      expect(await handle.query(getBookingQuery)).toMatchObject({ status: 'CANCELLED', paymentStatus: 'captured', paidOutMinor: 0 });
      const retried = await handle.executeUpdate(resolveAttentionUpdate, { args: [{ adminId: 'admin-1', action: 'retry', reason: 'retry' }] });
      expect(retried).toMatchObject({ refundedMinor: 5_000, paymentStatus: 'refunded' });
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', refundedMinor: 5_000, paidOutMinor: 0 });
    });
    expect(activities.callsOf('refundPayment').map((call) => call.step)).toEqual(['refund-cancel', 'refund-cancel']);
    expect(activities.callsOf('payoutTutor')).toEqual([]);
  });

  it('holds the payout for an admin when the transfer is refused, and pays once on retry', async () => {
    const activities = await withBooking({ refuse: { payoutTutor: 1 } }, async (handle, input) => {
      await accepted(handle, input);
      await until(handle, (state) => (state.attention?.length ?? 0) > 0);
      const waiting = await handle.query(getBookingQuery);
      expect(waiting).toMatchObject({ status: 'ENDED', paymentStatus: 'captured', paidOutMinor: 0 });
      expect(waiting.attention).toEqual([expect.objectContaining({ id: 'payout', reason: 'payout_failed', amountMinor: 4_250 })]);
      await handle.executeUpdate(resolveAttentionUpdate, { args: [{ adminId: 'admin-1', action: 'retry', reason: 'account fixed' }] });
      expect(await handle.result()).toMatchObject({ status: 'ENDED', paymentStatus: 'paid_out', paidOutMinor: 4_250 });
    });
    expect(activities.callsOf('payoutTutor')).toHaveLength(2);
  });

  it('owes the reversal when Stripe refuses to take a refund back from the paid tutor, until an admin retries', async () => {
    const activities = await withBooking({ refuse: { reverseTransfer: 1 } }, async (handle, input) => {
      await accepted(handle, input);
      await until(handle, (state) => state.paymentStatus === 'paid_out');
      const refunded = await handle.executeUpdate(adminRefundUpdate, { args: [{ adminId: 'admin-1', amountMinor: 1_000, reason: 'late', requestId: 'after-payout' }] });
      expect(refunded).toMatchObject({ refundedMinor: 1_000, paidOutMinor: 4_250 });
      expect(refunded.reversedMinor).toBeUndefined();
      expect(refunded.attention).toEqual([expect.objectContaining({ id: 'reverse-refund-admin-after-payout', reason: 'reversal_failed', amountMinor: 1_000 })]);
      const retried = await handle.executeUpdate(resolveAttentionUpdate, { args: [{ adminId: 'admin-1', action: 'retry', reason: 'tutor balance topped up' }] });
      expect(retried).toMatchObject({ reversedMinor: 1_000 });
      expect(retried.attention).toBeUndefined();
    });
    expect(activities.callsOf('reverseTransfer')).toHaveLength(2);
  });

  it('answers an admin whose own refund Stripe refuses, and owes nothing', async () => {
    await withBooking({ refuse: { refundPayment: 'always' } }, async (handle, input) => {
      await accepted(handle, input);
      const refused = await refusalOf(handle.executeUpdate(adminRefundUpdate, { args: [{ adminId: 'admin-1', amountMinor: 500, reason: 'goodwill', requestId: 'key-1' }] }));
      expect(refused.type).toBe(REFUSALS.paymentRefused);
      const state = await handle.query(getBookingQuery);
      expect(state).toMatchObject({ status: 'SCHEDULED', refundedMinor: 0 });
      expect(state.attention).toBeUndefined();
      await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'admin', actorId: 'admin-1', reason: 'end of test', refundAmountMinor: 0 }] });
    });
  });

  it('raises attention, and goes on, when Postgres refuses a read-model write', async () => {
    const activities = await withBooking({ refuse: { recordPayment: 1 } }, async (handle, input) => {
      const submitted = await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      expect(submitted.status).toBe('REQUESTED');
      expect(submitted.attention).toEqual([expect.objectContaining({ reason: 'read_model_failed', retryable: true })]);
      const fixed = await handle.executeUpdate(resolveAttentionUpdate, { args: [{ adminId: 'admin-1', action: 'retry', reason: 'constraint fixed' }] });
      expect(fixed.attention).toBeUndefined();
      await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'student', actorId: input.studentId, reason: 'end of test' }] });
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED' });
    });
    expect(activities.callsOf('recordPayment').length).toBeGreaterThanOrEqual(3);
  });
});

describe('refunds on what remains', () => {
  it('refunds only what remains when the student cancels after a goodwill refund (the money issue)', async () => {
    const activities = await withBooking({ input: { cancellationPolicy: 'flexible' } }, async (handle, input) => {
      await accepted(handle, input);
      const goodwill = await handle.executeUpdate(adminRefundUpdate, { args: [{ adminId: 'admin-1', amountMinor: 500, reason: 'goodwill', requestId: 'gw-1' }] });
      expect(goodwill).toMatchObject({ refundedMinor: 500, paymentStatus: 'partially_refunded' });
      // Three days ahead: the flexible policy refunds 100 % — of what remains.
      const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'student', actorId: input.studentId, reason: 'plans changed' }] });
      expect(cancelled).toMatchObject({ status: 'CANCELLED', capturedMinor: 5_000, refundedMinor: 5_000, paymentStatus: 'refunded' });
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', refundedMinor: 5_000, paidOutMinor: 0 });
    });
    expect(activities.callsOf('refundPayment').map((call) => call.amountMinor)).toEqual([500, 4_500]);
  });

  it('pays an admin refund once per Idempotency-Key, and refuses the key with another amount', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await accepted(handle, input);
      const refund = { adminId: 'admin-1', amountMinor: 700, reason: 'goodwill', requestId: 'double-click' };
      await handle.executeUpdate(adminRefundUpdate, { args: [refund] });
      const again = await handle.executeUpdate(adminRefundUpdate, { args: [refund] });
      expect(again.refundedMinor).toBe(700);
      expect((await refusalOf(handle.executeUpdate(adminRefundUpdate, { args: [{ ...refund, amountMinor: 800 }] }))).type).toBe(REFUSALS.idempotencyKeyReused);
      await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'admin', actorId: 'admin-1', reason: 'end of test', refundAmountMinor: 0 }] });
    });
    expect(activities.callsOf('refundPayment')).toHaveLength(1);
  });
});
