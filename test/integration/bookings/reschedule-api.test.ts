/**
 * Reschedules through the API on the dev server: a proposal is checked like a new booking (the
 * tutor's schedule, notice, horizon, offered lengths: 422 naming the rule; a busy tutor: 409), a
 * move onto the student's other lesson is refused by the database, a shorter lesson refunds the
 * difference with its own Stripe key, a longer one charges it as a payment of its own (a refused
 * card leaves the booking as it was; the receipt lists both payments from Postgres), and the number
 * of reschedules is bounded.
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

describe('a longer lesson', () => {
  it('charges the difference as its own PaymentIntent on acceptance; a refused card answers 422 and changes nothing', async () => {
    const { db } = stack.api.container.resources;
    await db('tutor_profiles').where({ user_id: ben.id }).update({ lesson_lengths: [30, 60, 90] });
    const nine = slotInDays(5, 9);
    const id = await bookAndAccept(dan, ben, nine);
    const propose = (who: TestUser, lengthMinutes: number) => call(stack.api, 'POST', `/api/bookings/${id}/reschedule`, who, { start: at(nine, 60), lengthMinutes });
    const answer = (who: TestUser) => call(stack.api, 'POST', `/api/bookings/${id}/reschedule/answer`, who, { accept: true });
    const row = () => db('bookings').where({ id }).first();

    // The card refuses the extra 30.00 (a decline at confirmation, as Stripe answers it).
    expect((await propose(dan, 90)).body.pendingReschedule).toMatchObject({ priceMinor: 9_000 });
    stack.stripe.failNext(1, 402, { error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' } }, { method: 'POST', path: '/v1/payment_intents' });
    const refused = await answer(ben);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.detail).toMatch(/extra 3000 could not be paid \(Your card has insufficient funds\.\); the lesson stays as it was/);
    expect(await row()).toMatchObject({ price_minor: 6_000, captured_minor: 6_000, session_start: new Date(nine) });
    const unchanged = await call(stack.api, 'GET', `/api/bookings/${id}`, dan);
    expect(unchanged.body).toMatchObject({ sessionStart: nine, priceMinor: 6_000, capturedMinor: 6_000 });
    // The proposal is gone: answering again finds nothing to answer.
    expect((await answer(ben)).status).toBe(409);

    // Proposed again, the card pays: a second PaymentIntent with keys of its own, captured at once.
    await propose(dan, 90);
    const accepted = await answer(ben);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ sessionStart: at(nine, 60), sessionEnd: at(nine, 150), priceMinor: 9_000, capturedMinor: 9_000 });
    const money = stack.stripe.money(id);
    expect(money).toMatchObject({ captured: 9_000, held: 0 });
    expect(money.paymentIntentIds).toHaveLength(2);
    const keys = money.mutations.filter((mutation) => mutation.status === 200 && !mutation.replayed).map((mutation) => mutation.idempotencyKey);
    expect(keys).toEqual(expect.arrayContaining([`${id}:reprice-2:authorize`, `${id}:reprice-2:capture`]));
    const difference = stack.stripe.state().paymentIntents.find((intent) => intent.idempotencyKey === `${id}:reprice-2:authorize`)!;
    expect(difference).toMatchObject({ amount: 3_000, amountReceived: 3_000, status: 'succeeded' });
    expect(await row()).toMatchObject({ price_minor: 9_000, captured_minor: 9_000, session_start: new Date(at(nine, 60)), session_end: new Date(at(nine, 150)) });
    // Postgres holds both payments, as Stripe does: the receipt lists them, oldest first.
    const lesson = stack.stripe.state().paymentIntents.find((intent) => intent.id !== difference.id && intent.metadata.bookingId === id)!;
    const paymentsOf = async () => {
      const receipt = await call(stack.api, 'GET', `/api/bookings/${id}/receipt`, dan);
      expect(receipt.status, JSON.stringify(receipt.body)).toBe(200);
      return receipt.body.payments.map((payment: Record<string, unknown>) => [payment.kind, payment.paymentIntentId, payment.status, payment.chargeId, payment.capturedMinor, payment.refundedMinor]);
    };
    expect(await paymentsOf()).toEqual([
      ['lesson', lesson.id, 'captured', lesson.chargeId, 6_000, 0],
      ['reprice', difference.id, 'captured', difference.chargeId, 3_000, 0],
    ]);

    // A tutor's cancellation refunds all of it, the difference's payment first, none beyond its charge.
    const cancelled = await call(stack.api, 'POST', `/api/bookings/${id}/cancel`, ben, { reason: 'ill' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const refunds = stack.stripe.requests({ method: 'POST', path: '/v1/refunds' }).filter((request) => request.idempotencyKey?.startsWith(`${id}:`));
    expect(refunds.map((request) => [request.idempotencyKey, request.body.amount])).toEqual([
      [`${id}:reprice-2:refund-cancel`, '3000'],
      [`${id}:refund-cancel`, '6000'],
    ]);
    expect(stack.stripe.money(id)).toMatchObject({ captured: 9_000, refunded: 9_000 });
    expect(await row()).toMatchObject({ status: 'CANCELLED', refunded_minor: 9_000 });
    expect(await paymentsOf()).toEqual([
      ['lesson', lesson.id, 'captured', lesson.chargeId, 6_000, 6_000],
      ['reprice', difference.id, 'captured', difference.chargeId, 3_000, 3_000],
    ]);
  });
});
