/**
 * No-show rules by party, on the time-skipping server: a report is possible from the start plus a
 * grace until the payout hold ends; a tutor reporting an absent student is paid unless the student
 * contests; a student reporting an absent tutor is refunded in full unless the tutor contests
 * within the window; a contest leaves the decision to an admin. Both parties hear of each step.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptUpdate,
  adminResolvePayoutUpdate,
  contestNoShowUpdate,
  getBookingQuery,
  reportNoShowUpdate,
  submitUpdate,
} from '../../workflows/booking/definitions.js';
import { HOUR, MINUTE, type RecordingActivities } from '../support/booking-workflow.js';
import { type BookingHandle, bookingRunner, refusalOf } from '../support/booking-runner.js';
import { timeSkippingEnvironment } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnvironment();
});
afterAll(() => env?.teardown());

const withBooking = bookingRunner(() => env, 'no-show');
const DAY = 24 * HOUR;

/** Requested, accepted, and 20 minutes into the lesson (start = 72 h after the request, 1 h long). */
async function lessonUnderway(handle: BookingHandle, input: { requestHash: string; tutorId: string }): Promise<void> {
  await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
  await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
  await env.sleep(72 * HOUR + 20 * MINUTE);
}

const eventsOf = (activities: RecordingActivities, type: string) => activities.callsOf('recordEvent').filter((call) => call.type === type);
const emailsOf = (activities: RecordingActivities, template: string) => activities.callsOf('notify').filter((call) => call.template === template);

describe('the report window', () => {
  it('opens at the start plus the grace and closes with the payout hold', async () => {
    await withBooking({ payoutsEnabled: () => false }, async (handle, input) => {
      await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
      await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
      await env.sleep(72 * HOUR + 5 * MINUTE); // 5 min into the lesson: within the 10 min grace
      expect((await refusalOf(handle.executeUpdate(reportNoShowUpdate, { args: [{ actorId: input.tutorId }] }))).message).toMatch(/can be reported from/);
      // Ended (1 h + 15 min grace), then the 72 h hold; the payout waits for the tutor's account, so nothing was paid.
      await env.sleep(HOUR + 15 * MINUTE + 73 * HOUR);
      expect((await handle.query(getBookingQuery)).paymentStatus).toBe('captured');
      const late = await refusalOf(handle.executeUpdate(reportNoShowUpdate, { args: [{ actorId: input.studentId }] }));
      expect(late).toMatchObject({ type: 'InvalidState', message: expect.stringMatching(/ended with the payout hold/) });
    });
  });
});

describe('the tutor reports the student absent', () => {
  it('is paid as for a held lesson: nothing freezes', async () => {
    const activities = await withBooking({}, async (handle, input) => {
      await lessonUnderway(handle, input);
      const reported = await handle.executeUpdate(reportNoShowUpdate, { args: [{ actorId: input.tutorId, note: 'Student never came' }] });
      expect(reported).toMatchObject({ payoutFrozen: false, noShowReports: [expect.objectContaining({ reportedBy: 'tutor', absent: 'student' })] });
      expect(reported.noShowReports[0]!.refundAt).toBeUndefined();
      const final = await handle.result();
      expect(final).toMatchObject({ paymentStatus: 'paid_out', paidOutMinor: 4_250, refundedMinor: 0 });
    });
    expect(activities.callsOf('payoutTutor')).toHaveLength(1);
    expect(activities.callsOf('refundPayment')).toHaveLength(0);
    const email = emailsOf(activities, 'no-show-reported')[0]!;
    expect(email.recipientUserIds).toHaveLength(2);
    expect(String((email.params as Record<string, unknown>).next)).toMatch(/paid as for a held lesson/);
  });

  it('is frozen for an admin when the student contests within the hold', async () => {
    const activities = await withBooking({}, async (handle, input, recorded) => {
      await lessonUnderway(handle, input);
      await handle.executeUpdate(reportNoShowUpdate, { args: [{ actorId: input.tutorId }] });
      const contested = await handle.executeUpdate(contestNoShowUpdate, { args: [{ actorId: input.studentId, note: 'I was in the waiting room' }] });
      expect(contested).toMatchObject({ payoutFrozen: true, noShowReports: [expect.objectContaining({ contestNote: 'I was in the waiting room', contestedAt: expect.any(String) })] });
      expect((await refusalOf(handle.executeUpdate(contestNoShowUpdate, { args: [{ actorId: input.studentId }] }))).message).toMatch(/already contested/);
      await env.sleep(10 * DAY);
      expect(recorded.callsOf('payoutTutor')).toHaveLength(0);
      await handle.executeUpdate(adminResolvePayoutUpdate, { args: [{ adminId: 'admin-1', decision: 'pay_tutor', reason: 'Zoom log shows the tutor waiting alone' }] });
      expect((await handle.result()).paidOutMinor).toBe(4_250);
    });
    expect(emailsOf(activities, 'no-show-contested')[0]).toMatchObject({ step: 'no-show-contested-student', recipientUserIds: expect.arrayContaining([expect.any(String), expect.any(String)]) });
    expect(eventsOf(activities, 'no_show.contested')).toHaveLength(1);
    expect(eventsOf(activities, 'no_show.confirmed')).toEqual([expect.objectContaining({ actor: 'admin', data: { absent: 'student', how: 'admin' } })]);
  });
});

describe('the student reports the tutor absent', () => {
  it('is refunded in full when the tutor does not contest within the window, and the tutor is not paid', async () => {
    const activities = await withBooking({}, async (handle, input, recorded) => {
      await lessonUnderway(handle, input);
      const reported = await handle.executeUpdate(reportNoShowUpdate, { args: [{ actorId: input.studentId }] });
      expect(reported.payoutFrozen).toBe(true);
      const refundAt = Date.parse(reported.noShowReports[0]!.refundAt!);
      expect(refundAt - Date.parse(reported.noShowReports[0]!.at)).toBe(48 * HOUR);
      await env.sleep(47 * HOUR);
      expect(recorded.callsOf('refundPayment')).toHaveLength(0);
      const final = await handle.result();
      expect(final).toMatchObject({ refundedMinor: 5_000, paidOutMinor: 0, paymentStatus: 'refunded', payoutFrozen: false });
      // Too late to contest now: the workflow is over.
    });
    expect(activities.callsOf('refundPayment')).toEqual([expect.objectContaining({ amountMinor: 5_000, step: 'refund-no-show' })]);
    expect(activities.callsOf('payoutTutor')).toHaveLength(0);
    expect(eventsOf(activities, 'no_show.confirmed')).toEqual([expect.objectContaining({ actor: 'system', data: { absent: 'tutor', how: 'uncontested' } })]);
    expect(emailsOf(activities, 'no-show-refunded')[0]!.recipientUserIds).toHaveLength(2);
  });

  it('waits for an admin when the tutor contests in time; the window is then no longer a refund', async () => {
    const activities = await withBooking({}, async (handle, input, recorded) => {
      await lessonUnderway(handle, input);
      await handle.executeUpdate(reportNoShowUpdate, { args: [{ actorId: input.studentId }] });
      await env.sleep(24 * HOUR);
      expect((await refusalOf(handle.executeUpdate(contestNoShowUpdate, { args: [{ actorId: input.studentId }] }))).message).toMatch(/Nobody reported you absent/);
      const contested = await handle.executeUpdate(contestNoShowUpdate, { args: [{ actorId: input.tutorId }] });
      expect(contested.payoutFrozen).toBe(true);
      await env.sleep(10 * DAY);
      expect(recorded.callsOf('refundPayment')).toHaveLength(0);
      expect(recorded.callsOf('payoutTutor')).toHaveLength(0);
      const resolved = await handle.executeUpdate(adminResolvePayoutUpdate, { args: [{ adminId: 'admin-1', decision: 'refund_student', reason: 'Tutor joined 40 min late' }] });
      expect(resolved).toMatchObject({ refundedMinor: 5_000, payoutFrozen: false });
      await handle.result();
    });
    expect(activities.callsOf('refundPayment')).toEqual([expect.objectContaining({ step: 'refund-resolution' })]);
    expect(eventsOf(activities, 'no_show.confirmed')).toEqual([expect.objectContaining({ data: { absent: 'tutor', how: 'admin' } })]);
  });

  it('refuses a tutor’s contest after the window', async () => {
    await withBooking({ payoutsEnabled: () => false }, async (handle, input) => {
      await lessonUnderway(handle, input);
      await handle.executeUpdate(reportNoShowUpdate, { args: [{ actorId: input.studentId }] });
      await env.sleep(49 * HOUR);
      const late = await refusalOf(handle.executeUpdate(contestNoShowUpdate, { args: [{ actorId: input.tutorId }] }));
      expect(late.type).toBe('InvalidState');
      expect((await handle.query(getBookingQuery)).refundedMinor).toBe(5_000);
    });
  });
});
