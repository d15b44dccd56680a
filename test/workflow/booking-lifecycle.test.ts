/**
 * Every transition of the booking workflow on the real time-skipping test server: the 24-hour
 * expiry, reminders, the lesson's start and end, and the 72-hour payout hold pass in seconds.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptUpdate,
  adminRefundUpdate,
  adminResolvePayoutUpdate,
  answerRescheduleUpdate,
  BOOKING_WORKFLOW_TYPE,
  type BookingWorkflowInput,
  cancelUpdate,
  contestNoShowUpdate,
  declineUpdate,
  disputeOpenedSignal,
  getBookingQuery,
  paymentAuthorizedSignal,
  proposeRescheduleUpdate,
  reportNoShowUpdate,
  submitUpdate,
} from '../../workflows/booking/definitions.js';
import { bookingWorkflow } from '../../workflows/booking/workflow.js';
import { HOUR, MINUTE, type RecordingActivities, transitions } from '../support/booking-workflow.js';
import { type BookingHandle, bookingRunner, refusalOf } from '../support/booking-runner.js';
import { timeSkippingEnvironment } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnvironment();
});
afterAll(() => env?.teardown());

const withBooking = bookingRunner(() => env, 'lifecycle');

const steps = (activities: RecordingActivities) => activities.callsOf('notify').map((call) => String(call.step));

const refusal = async (update: Promise<unknown>) => (await refusalOf(update)).message;

it('names the workflow type as the constant the API starts it by', () => {
  expect(bookingWorkflow.name).toBe(BOOKING_WORKFLOW_TYPE);
});

describe('the request', () => {
  it('runs a lesson from request to payout: capture, meeting, reminders, start, end, hold, transfer', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      const submitted = await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      expect(submitted).toMatchObject({ status: 'REQUESTED', paymentStatus: 'authorized' });

      const accepted = await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
      expect(accepted).toMatchObject({ status: 'SCHEDULED', paymentStatus: 'captured', capturedMinor: 5_000, meetingJoinUrl: 'https://zoom.example/j/1' });

      const final = await handle.result();
      expect(final).toMatchObject({ status: 'ENDED', paymentStatus: 'paid_out', paidOutMinor: 4_250 });
    });

    expect(transitions(activities)).toEqual(['REQUESTED', 'SCHEDULED', 'ACTIVE', 'ENDED']);
    // The broadcast runs beside the authorization (local-submit-records): either may be recorded first.
    expect(activities.names()[0]).toBe('reserveBooking');
    expect(activities.names().slice(1, 3).sort()).toEqual(['authorizePayment', 'publishAvailabilityChanged']);
    expect(activities.callsOf('capturePayment')).toHaveLength(1);
    expect(activities.callsOf('createMeeting')).toHaveLength(1);
    expect(activities.callsOf('syncCalendars')).toHaveLength(1);
    expect(steps(activities).filter((step) => step.startsWith('reminder-'))).toHaveLength(2);
    // 5000 captured − 15 % commission.
    expect(activities.callsOf('payoutTutor')).toEqual([expect.objectContaining({ amountMinor: 4_250, chargeId: 'ch_1', tutorAccountId: 'acct_tutor' })]);

    const ended = activities.callsOf('recordTransition').find((call) => call.to === 'ENDED')!;
    const payout = activities.callsOf('recordEvent').find((call) => call.type === 'payout.sent')!;
    expect(Date.parse(String(payout.at)) - Date.parse(String(ended.at))).toBeGreaterThanOrEqual(72 * HOUR - 1_000);
  });

  it('refuses a submit whose body differs from the one that started the booking', async () => {
    await withBooking({}, async (handle) => {
      await expect(handle.executeUpdate(submitUpdate, { args: [{ requestHash: 'another-body' }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'admin', actorId: 'admin-1', reason: 'clean up' }] });
    });
  });

  it('expires after 24 hours without an answer and releases the card hold', async () => {
    const activities = await withBooking({}, async (handle) => {
      expect((await handle.result()).status).toBe('EXPIRED');
    });
    expect(transitions(activities)).toEqual(['REQUESTED', 'EXPIRED']);
    expect(activities.callsOf('releasePayment')).toHaveLength(1);
    expect(activities.callsOf('capturePayment')).toHaveLength(0);
    const [requested, expired] = activities.callsOf('recordTransition');
    expect(Date.parse(String(expired!.at)) - Date.parse(String(requested!.at))).toBeGreaterThanOrEqual(24 * HOUR - 1_000);
  });

  it('is declined by its tutor, and only by its tutor', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      await expect(handle.executeUpdate(declineUpdate, { args: [{ tutorId: input.studentId }] })).rejects.toThrow(WorkflowUpdateFailedError);
      expect((await handle.executeUpdate(declineUpdate, { args: [{ tutorId: input.tutorId, reason: 'Away that week' }] })).status).toBe('DECLINED');
      await expect(handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] })).rejects.toThrow();
    });
    expect(transitions(activities)).toEqual(['REQUESTED', 'DECLINED']);
    expect(activities.callsOf('releasePayment')).toHaveLength(1);
    expect(activities.callsOf('recordTransition').at(-1)).toMatchObject({ actor: 'tutor', reason: 'Away that week' });
  });

  it('ends at once when the time was taken meanwhile: no card is touched', async () => {
    const activities = await withBooking({ reservation: 'slot_taken' }, async (handle, input) => {
      const answer = await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      expect(answer.outcome).toBe('slot_taken');
      await handle.result();
    });
    // The hold is a local activity: it runs again when its workflow task is retried (here the
    // update arrived while the task that ends the booking ran), so it may appear twice; it is idempotent.
    expect([...new Set(activities.names())]).toEqual(['reserveBooking']);
  });

  it('fails on a declined card and frees the time', async () => {
    const activities = await withBooking({ authorization: 'failed' }, async (handle, input) => {
      const answer = await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      expect(answer).toMatchObject({ status: 'PAYMENT_FAILED', paymentFailure: 'Your card was declined.' });
      await handle.result();
    });
    expect(transitions(activities)).toEqual(['PAYMENT_FAILED']);
    expect(steps(activities)).toEqual(['payment-failed']);
    expect(activities.callsOf('publishAvailabilityChanged')).toHaveLength(2);
  });

  it('waits for the webhook when the card needs 3-D Secure, and answers at once with the client secret', async () => {
    const activities = await withBooking({ authorization: 'requires_action' }, async (handle, input) => {
      const answer = await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      expect(answer).toMatchObject({ status: 'PENDING_PAYMENT', paymentStatus: 'requires_action', paymentClientSecret: 'pi_secret_123' });
      await handle.signal(paymentAuthorizedSignal, { paymentIntentId: `pi_${input.bookingId.slice(0, 8)}` });
      await env.sleep(MINUTE);
      expect(await handle.query(getBookingQuery)).toMatchObject({ status: 'REQUESTED', paymentStatus: 'authorized' });
      await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'student', actorId: input.studentId, reason: 'Changed my mind' }] });
    });
    expect(transitions(activities)).toEqual(['REQUESTED', 'CANCELLED']);
  });

  it('gives up on a payment never finished and releases the hold', async () => {
    const activities = await withBooking({ authorization: 'requires_action' }, async (handle) => {
      expect((await handle.result()).status).toBe('PAYMENT_FAILED');
    });
    expect(activities.callsOf('releasePayment')).toHaveLength(1);
  });

  it('schedules an instant booking without waiting for the tutor', async () => {
    const activities = await withBooking({ input: { instant: true } }, async (handle, input) => {
      const answer = await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      expect(answer.status).toBe('SCHEDULED');
      await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'tutor', actorId: input.tutorId, reason: 'Emergency' }] });
    });
    expect(transitions(activities)).toEqual(['SCHEDULED', 'CANCELLED']);
  });
});

describe('a scheduled lesson', () => {
  async function scheduled(handle: BookingHandle, input: BookingWorkflowInput) {
    await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
    await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
  }

  it('refunds by the policy when the student cancels late, and pays the tutor the rest after the hold', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      // 72 h before the start now; 30 h before is inside the moderate policy's 50 % tier.
      await env.sleep(42 * HOUR);
      const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'student', actorId: input.studentId, reason: 'Exam moved' }] });
      expect(cancelled).toMatchObject({ status: 'CANCELLED', refundedMinor: 2_500, paymentStatus: 'partially_refunded' });
      expect((await handle.result()).paidOutMinor).toBe(2_125);
    });
    expect(activities.callsOf('refundPayment')).toEqual([expect.objectContaining({ amountMinor: 2_500, step: 'refund-cancel' })]);
    expect(activities.callsOf('deleteMeeting')).toHaveLength(1);
    expect(activities.callsOf('removeCalendarEvents')).toHaveLength(1);
    expect(steps(activities)).not.toContain(expect.stringMatching(/^reminder-3600000/));
  });

  it('refunds in full when the tutor cancels, and pays the tutor nothing', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      await env.sleep(71 * HOUR);
      const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'tutor', actorId: input.tutorId, reason: 'Sick' }] });
      expect(cancelled).toMatchObject({ refundedMinor: 5_000, paymentStatus: 'refunded' });
      await handle.result();
    });
    expect(activities.callsOf('payoutTutor')).toHaveLength(0);
  });

  it('sends a reminder only while the lesson is still on', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      await env.sleep(50 * HOUR); // past the 24 h reminder
      await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'tutor', actorId: input.tutorId, reason: 'Sick' }] });
      await handle.result();
    });
    const reminders = steps(activities).filter((step) => step.startsWith('reminder-'));
    expect(reminders).toEqual([expect.stringMatching(/^reminder-86400000-/)]);
  });

  it('moves by agreement of both parties, with every timer recomputed', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      const newStart = new Date(Date.parse(input.sessionStart) + 48 * HOUR).toISOString();
      const newEnd = new Date(Date.parse(input.sessionEnd) + 48 * HOUR).toISOString();
      await expect(handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.tutorId, accept: true }] })).rejects.toThrow(WorkflowUpdateFailedError);
      const proposed = await handle.executeUpdate(proposeRescheduleUpdate, { args: [{ actorId: input.studentId, sessionStart: newStart, sessionEnd: newEnd }] });
      expect(proposed.pendingReschedule).toEqual({ proposedBy: 'student', sessionStart: newStart, sessionEnd: newEnd, priceMinor: 5_000, expiresAt: expect.any(String) });
      // The proposer cannot accept their own proposal.
      await expect(handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.studentId, accept: true }] })).rejects.toThrow(WorkflowUpdateFailedError);
      const moved = await handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.tutorId, accept: true }] });
      expect(moved).toMatchObject({ sessionStart: newStart, sessionEnd: newEnd });
      expect(moved.pendingReschedule).toBeUndefined();
      const final = await handle.result();
      expect(final.status).toBe('ENDED');
    });
    expect(activities.callsOf('recordReschedule')).toHaveLength(1);
    expect(activities.callsOf('updateMeeting')).toHaveLength(1);
    const active = activities.callsOf('recordTransition').find((call) => call.to === 'ACTIVE')!;
    const moved = activities.callsOf('recordReschedule')[0]!;
    // The lesson started at the new time (a timer fires a few milliseconds late), not the old one 48 h earlier.
    const lateBy = Date.parse(String(active.at)) - Date.parse(String(moved.sessionStart));
    expect(lateBy).toBeGreaterThanOrEqual(0);
    expect(lateBy).toBeLessThan(60_000);
    expect(steps(activities).filter((step) => step.startsWith('reminder-')).every((step) => step.endsWith(String(moved.sessionStart)))).toBe(true);
  });

  it('keeps the old time when the tutor is no longer free at the new one', async () => {
    await withBooking({ rescheduleResult: 'slot_taken' }, async (handle, input) => {
      await scheduled(handle, input);
      const newStart = new Date(Date.parse(input.sessionStart) + HOUR).toISOString();
      const newEnd = new Date(Date.parse(input.sessionEnd) + HOUR).toISOString();
      await handle.executeUpdate(proposeRescheduleUpdate, { args: [{ actorId: input.tutorId, sessionStart: newStart, sessionEnd: newEnd }] });
      expect(await refusal(handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.studentId, accept: true }] }))).toMatch(/no longer free/);
      expect((await handle.query(getBookingQuery)).sessionStart).toBe(input.sessionStart);
      await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'admin', actorId: 'admin-1', reason: 'test over' }] });
    });
  });
});

describe('after the lesson', () => {
  it('freezes the payout on a contested no-show report until an admin refunds the student', async () => {
    const activities = await withBooking({}, async (handle, input, recorded) => {
      await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
      await env.sleep(72 * HOUR + 20 * MINUTE); // started, ended (1 h lesson + 15 min grace): ENDED
      const reported = await handle.executeUpdate(reportNoShowUpdate, { args: [{ actorId: input.studentId, note: 'Tutor never joined' }] });
      expect(reported).toMatchObject({ payoutFrozen: true, noShowReports: [expect.objectContaining({ reportedBy: 'student', absent: 'tutor' })] });
      // Contested by the tutor (no-show-rules.test.ts has the uncontested path: an automatic refund).
      await handle.executeUpdate(contestNoShowUpdate, { args: [{ actorId: input.tutorId }] });
      await env.sleep(10 * 24 * HOUR); // long past the hold: still frozen
      expect(recorded.callsOf('payoutTutor')).toHaveLength(0);
      const resolved = await handle.executeUpdate(adminResolvePayoutUpdate, { args: [{ adminId: 'admin-1', decision: 'refund_student', reason: 'Tutor confirmed absence' }] });
      expect(resolved).toMatchObject({ refundedMinor: 5_000, payoutFrozen: false });
      await handle.result();
    });
    expect(activities.callsOf('payoutTutor')).toHaveLength(0);
    expect(activities.callsOf('recordEvent').find((call) => call.type === 'payout.resolved')).toMatchObject({ actor: 'admin', actorId: 'admin-1' });
  });

  it('freezes the payout on a dispute; an admin may still pay the tutor', async () => {
    const activities = await withBooking({}, async (handle, input, recorded) => {
      await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
      await env.sleep(74 * HOUR);
      await handle.signal(disputeOpenedSignal, { disputeId: 'dp_1', reason: 'fraudulent' });
      await env.sleep(5 * 24 * HOUR);
      expect(recorded.callsOf('payoutTutor')).toHaveLength(0);
      await handle.executeUpdate(adminResolvePayoutUpdate, { args: [{ adminId: 'admin-1', decision: 'pay_tutor', reason: 'Dispute won' }] });
      expect((await handle.result()).paidOutMinor).toBe(4_250);
    });
    expect(activities.callsOf('payoutTutor')).toHaveLength(1);
  });

  it('waits, without failing, for a tutor who has not enabled payouts yet', async () => {
    let checks = 0;
    const activities = await withBooking({ payoutsEnabled: () => ++checks > 3 }, async (handle, input) => {
      await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
      expect((await handle.result()).paymentStatus).toBe('paid_out');
    });
    expect(activities.callsOf('getPayoutAccount').length).toBe(4);
    expect(activities.callsOf('recordEvent').filter((call) => call.type === 'payout.waiting_for_account')).toHaveLength(1);
    expect(steps(activities)).toContain('payout-account-needed');
  });

  it('lets an admin refund after the payout, taking it back from the tutor, and never more than was captured', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
      await env.sleep(72 * HOUR + 20 * MINUTE + 73 * HOUR); // ended, then past the payout hold
      expect((await handle.query(getBookingQuery)).paymentStatus).toBe('paid_out');
      expect(await refusal(handle.executeUpdate(adminRefundUpdate, { args: [{ adminId: 'admin-1', amountMinor: 5_001, reason: 'too much', requestId: 'r1' }] }))).toMatch(/At most 5000/);
      const refunded = await handle.executeUpdate(adminRefundUpdate, { args: [{ adminId: 'admin-1', amountMinor: 1_000, reason: 'Goodwill', requestId: 'r2' }] });
      expect(refunded).toMatchObject({ refundedMinor: 1_000, paymentStatus: 'partially_refunded' });
    });
    expect(activities.callsOf('refundPayment')).toEqual([expect.objectContaining({ amountMinor: 1_000, step: 'refund-admin-r2' })]);
    expect(activities.callsOf('reverseTransfer')).toEqual([expect.objectContaining({ amountMinor: 1_000, transferId: 'tr_1' })]);
  });
});
