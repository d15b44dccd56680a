/**
 * Disputes on the time-skipping server: a student reports a problem with the lesson within the
 * payout hold; the payout freezes past the hold until an admin decides; the decision refunds part
 * (the tutor is paid on the rest) or all of it; both parties hear of each step; out of the hold, by
 * the tutor, twice, or a decision above what remains is refused.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptUpdate, adminResolvePayoutUpdate, decideDisputeUpdate, getBookingQuery, reportProblemUpdate, submitUpdate } from '../../workflows/booking/definitions.js';
import { HOUR, MINUTE, type RecordingActivities } from '../support/booking-workflow.js';
import { type BookingHandle, bookingRunner, refusalOf } from '../support/booking-runner.js';
import { timeSkippingEnvironment } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnvironment();
});
afterAll(() => env?.teardown());

const withBooking = bookingRunner(() => env, 'disputes');

/** Requested, accepted, held and ended: the lesson (72 h after the request, 1 h long) plus its 15 min grace, and an hour into the 72 h hold. */
async function lessonEnded(handle: BookingHandle, input: { requestHash: string; tutorId: string }): Promise<void> {
  await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
  await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
  await env.sleep(72 * HOUR + HOUR + 15 * MINUTE + HOUR);
}

const report = (handle: BookingHandle, actorId: string) =>
  handle.executeUpdate(reportProblemUpdate, { args: [{ actorId, reason: 'poor_quality', text: 'The tutor spent the lesson on the phone', attachmentFileId: '6f1c1b7e-8a60-4a53-9a44-9b1d7c2f4e10' }] });
const emailsOf = (activities: RecordingActivities, template: string) => activities.callsOf('notify').filter((call) => call.template === template);

describe('a student’s dispute', () => {
  it('freezes the payout past the hold; a partial refund decided by an admin pays the tutor on the rest', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await lessonEnded(handle, input);
      const reported = await report(handle, input.studentId);
      expect(reported.problem).toMatchObject({ reason: 'poor_quality', attachmentFileId: expect.any(String) });
      expect(reported.payoutFrozen).toBe(true);
      expect((await refusalOf(report(handle, input.studentId))).message).toMatch(/already reported/);
      await env.sleep(80 * HOUR); // well past the hold: nothing paid while it waits
      expect(await handle.query(getBookingQuery)).toMatchObject({ paidOutMinor: 0, refundedMinor: 0, payoutFrozen: true });
      expect((await refusalOf(handle.executeUpdate(decideDisputeUpdate, { args: [{ adminId: 'admin-1', refundMinor: 5_001, reason: 'too much' }] }))).type).toBe('InvalidRequest');
      const decided = await handle.executeUpdate(decideDisputeUpdate, { args: [{ adminId: 'admin-1', refundMinor: 2_000, reason: 'Half a lesson' }] });
      expect(decided).toMatchObject({ refundedMinor: 2_000, problem: { decision: { refundMinor: 2_000, adminId: 'admin-1' } } });
      const final = await handle.result();
      // 3,000 remains: the tutor gets it less 15 %.
      expect(final).toMatchObject({ status: 'ENDED', refundedMinor: 2_000, paidOutMinor: 2_550, payoutFrozen: false });
    });
    expect(activities.callsOf('refundPayment')).toEqual([expect.objectContaining({ amountMinor: 2_000, step: 'refund-dispute' })]);
    expect(activities.callsOf('payoutTutor')).toEqual([expect.objectContaining({ amountMinor: 2_550 })]);
    expect(activities.callsOf('recordDispute').map((call) => call.decision)).toEqual([undefined, expect.objectContaining({ refundMinor: 2_000 })]);
    expect(emailsOf(activities, 'dispute-opened')[0]!.recipientUserIds).toHaveLength(2);
    expect(emailsOf(activities, 'dispute-decided')[0]!.recipientUserIds).toHaveLength(2);
    const audit = activities.callsOf('recordEvent').find((call) => call.type === 'dispute.decided')!;
    expect(audit).toMatchObject({ actor: 'admin', actorId: 'admin-1' });
  });

  it('is decided only by its own route: the older payout resolution refuses while it is open (409 naming the route)', async () => {
    await withBooking({}, async (handle, input) => {
      await lessonEnded(handle, input);
      await report(handle, input.studentId);
      const refused = await refusalOf(handle.executeUpdate(adminResolvePayoutUpdate, { args: [{ adminId: 'admin-1', decision: 'pay_tutor', reason: 'looks fine' }] }));
      expect(refused.type).toBe('InvalidState');
      expect(refused.message).toMatch(/dispute of this lesson is open: decide it with POST \/api\/admin\/bookings\/\{id\}\/dispute\/decision/);
      // Nothing changed: the dispute is open, the payout frozen.
      expect(await handle.query(getBookingQuery)).toMatchObject({ payoutFrozen: true, problem: { reason: 'poor_quality' } });
      expect((await handle.query(getBookingQuery)).problem?.decision).toBeUndefined();
      await handle.executeUpdate(decideDisputeUpdate, { args: [{ adminId: 'admin-1', refundMinor: 1_000, reason: 'A bit' }] });
      // Decided, the payout is no longer waiting for the older resolution either.
      expect((await refusalOf(handle.executeUpdate(adminResolvePayoutUpdate, { args: [{ adminId: 'admin-1', decision: 'refund_student', reason: 'x' }] }))).message).toMatch(/not waiting for a decision/);
      expect(await handle.result()).toMatchObject({ refundedMinor: 1_000, paidOutMinor: 3_400, payoutFrozen: false });
    });
  });

  it('refunds in full when the admin gives everything back: nothing is paid out', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await lessonEnded(handle, input);
      await report(handle, input.studentId);
      await handle.executeUpdate(decideDisputeUpdate, { args: [{ adminId: 'admin-1', refundMinor: 5_000, reason: 'The lesson did not happen' }] });
      expect(await handle.result()).toMatchObject({ refundedMinor: 5_000, paidOutMinor: 0 });
    });
    expect(activities.callsOf('payoutTutor')).toEqual([]);
  });

  it('pays the tutor in full on a decision of no refund', async () => {
    await withBooking({}, async (handle, input) => {
      await lessonEnded(handle, input);
      await report(handle, input.studentId);
      await handle.executeUpdate(decideDisputeUpdate, { args: [{ adminId: 'admin-1', refundMinor: 0, reason: 'The lesson was fine' }] });
      expect(await handle.result()).toMatchObject({ refundedMinor: 0, paidOutMinor: 4_250 });
    });
  });

  it('is the student’s, within the hold only, and no decision comes without one', async () => {
    await withBooking({ payoutsEnabled: () => false }, async (handle, input) => {
      await lessonEnded(handle, input);
      expect((await refusalOf(report(handle, input.tutorId))).message).toMatch(/Only the student/);
      expect((await refusalOf(report(handle, 'someone-else'))).type).toBe('NotAParty');
      expect((await refusalOf(handle.executeUpdate(decideDisputeUpdate, { args: [{ adminId: 'admin-1', refundMinor: 0, reason: 'x' }] }))).message).toMatch(/No problem was reported/);
      await env.sleep(72 * HOUR);
      expect((await refusalOf(report(handle, input.studentId))).message).toMatch(/ended with the payout hold/);
    });
  });
});
