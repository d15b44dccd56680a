/**
 * Reschedules through the API on the dev server: a proposal is checked like a new booking (the
 * tutor's schedule, notice, horizon, offered lengths: 422 naming the rule; a busy tutor: 409), a
 * move onto the student's other lesson is refused by the database, a shorter lesson refunds the
 * difference with its own Stripe key, and the number of reschedules is bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { bookableTutor, type BookingStack, call, requestBooking, slotInDays, startBookingStack, student } from '../../support/booking-stack.js';

let stack: BookingStack;
let ana: TestUser;
let ben: TestUser;
let carla: TestUser;
let dan: TestUser;

beforeAll(async () => {
  stack = await startBookingStack();
  await stack.startWorker();
  const { db } = stack.api.container.resources;
  [ana, ben, carla, dan] = await Promise.all([bookableTutor(db, stack.api.config), bookableTutor(db, stack.api.config), student(db, stack.api.config), student(db, stack.api.config)]);
  await db('tutor_scheduling').where({ tutor_id: ana.id }).update({ booking_horizon_days: 30 });
}, 120_000);
afterAll(() => stack?.close());

const at = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

async function bookAndAccept(who: TestUser, tutor: TestUser, start: string): Promise<string> {
  const booked = await requestBooking(stack.api, who, { tutorId: tutor.id, start, lengthMinutes: 60, paymentMethodId: 'pm_card_visa' });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  const accepted = await call(stack.api, 'POST', `/api/bookings/${booked.body.bookingId}/accept`, tutor, {});
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return booked.body.bookingId as string;
}

describe('rescheduling a lesson', () => {
  it('checks the proposal like a booking, refuses the student’s other lesson, refunds a shorter lesson, and stops at the limit', async () => {
    const ten = slotInDays(3, 10);
    const id = await bookAndAccept(carla, ana, ten);
    const propose = (who: TestUser, start: string, lengthMinutes = 60) => call(stack.api, 'POST', `/api/bookings/${id}/reschedule`, who, { start, lengthMinutes });
    const answer = (who: TestUser, accept: boolean) => call(stack.api, 'POST', `/api/bookings/${id}/reschedule/answer`, who, { accept });

    for (const [start, length, rule] of [
      [at(ten, 7), 60, 'outside_availability'],
      [ten, 45, 'length_not_offered'],
      [slotInDays(40, 10), 60, 'beyond_horizon'],
    ] as const) {
      const refused = await propose(carla, start, length);
      expect(refused.status, `${start} ${length}`).toBe(422);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.rule).toBe(rule);
    }
    // Ana is busy at 14:00 with Dan: 409, the tutor's time.
    await bookAndAccept(dan, ana, slotInDays(3, 14));
    expect((await propose(carla, slotInDays(3, 14))).body).toMatchObject({ status: 409, conflict: 'tutor_busy' });

    // Half an hour later overlaps only the booking itself, which does not count against it.
    expect((await propose(carla, at(ten, 30))).status).toBe(200);
    const moved = await answer(ana, true);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.sessionStart).toBe(at(ten, 30));

    // Carla has a lesson with Ben at 16:00: Ana may propose it, but it cannot be accepted.
    await bookAndAccept(carla, ben, slotInDays(3, 16));
    expect((await propose(ana, slotInDays(3, 16))).status).toBe(200);
    const clash = await answer(carla, true);
    expect(clash.status).toBe(409);
    expect(clash.body.detail).toMatch(/already has another lesson/);

    // A 30-minute lesson: half of the 60.00 goes back on acceptance, with its own idempotency key.
    expect((await propose(carla, at(ten, 30), 30)).body.pendingReschedule).toMatchObject({ priceMinor: 3_000 });
    const shorter = await answer(ana, true);
    expect(shorter.body).toMatchObject({ refundedMinor: 3_000, capturedMinor: 6_000 });
    const refunds = stack.stripe.requests({ method: 'POST', path: '/v1/refunds' }).filter((request) => request.idempotencyKey === `${id}:refund-reschedule-2`);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.body).toMatchObject({ amount: '3000' });

    const third = await propose(carla, at(ten, 60), 30);
    expect(third.status).toBe(422);
    expect(third.body.detail).toMatch(/the most allowed \(2\)/);
  });
});
