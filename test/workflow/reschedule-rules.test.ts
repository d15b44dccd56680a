/**
 * Reschedule rules on the time-skipping server: how often and how late, proposals that lapse, a
 * shorter lesson that refunds the difference, and a tutor's late proposal that, declined, is the
 * tutor's cancellation. (The slot checks — schedule, notice, horizon, length — are the API's:
 * test/integration/bookings/reschedule-api.test.ts.)
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptUpdate, answerRescheduleUpdate, getBookingQuery, proposeRescheduleUpdate, submitUpdate } from '../../workflows/booking/definitions.js';
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

  it('refuses a longer lesson (not priced yet)', async () => {
    await withBooking({}, async (handle, input) => {
      await scheduled(handle, input);
      expect(await refusalOf(propose(handle, input.studentId, 24, 90))).toMatchObject({ type: 'InvalidRequest', message: expect.stringMatching(/longer lesson/) });
    });
  });
});
