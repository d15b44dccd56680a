/**
 * A booking pays only with one of the student's saved cards: a card attached to the student's own
 * Stripe customer. Found by a probe: a new student with no saved card booked with pm_card_visa,
 * because ownership rested on Stripe alone.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { bookableTutor, type BookingStack, call, requestBooking, slotInDays, startBookingStack, student, TEST_CARD } from '../../support/booking-stack.js';

let stack: BookingStack;
let tutor: TestUser;

beforeAll(async () => {
  stack = await startBookingStack();
  await stack.startWorker();
  tutor = await bookableTutor(stack.api.container.resources.db, stack.api.config);
}, 120_000);
afterAll(() => stack?.close());

const lesson = (days: number, paymentMethodId = TEST_CARD) => ({ tutorId: tutor.id, start: slotInDays(days), lengthMinutes: 60, paymentMethodId });

async function expectRefusedWithoutMoney(someone: TestUser, body: Record<string, unknown>): Promise<void> {
  const before = stack.stripe.requests({ method: 'POST', path: '/v1/payment_intents' }).length;
  const refused = await requestBooking(stack.api, someone, body);
  expect(refused.status, JSON.stringify(refused.body)).toBe(422);
  expect(refused.body.errors).toEqual([{ path: 'body.paymentMethodId', message: expect.stringMatching(/not one of your saved cards/) }]);
  expect(stack.stripe.requests({ method: 'POST', path: '/v1/payment_intents' })).toHaveLength(before);
  expect(await stack.api.container.resources.db('bookings').where({ student_id: someone.id })).toEqual([]);
}

describe('the card of a booking', () => {
  it('is refused for a new student who never saved a card, without asking Stripe', async () => {
    const newcomer = await createTestUser(stack.api.container.resources.db, stack.api.config, 'student');
    stack.stripe.clear();
    await expectRefusedWithoutMoney(newcomer, lesson(3));
    expect(stack.stripe.requests()).toEqual([]);
  });

  it("is refused when it is not attached to the student's own customer", async () => {
    const { db } = stack.api.container.resources;
    const other = await createTestUser(db, stack.api.config, 'student');
    // A Stripe customer (the card set-up was started) but no card saved: another student's card does not count.
    expect((await call(stack.api, 'POST', '/api/me/payment-methods/setup-intent', other)).status).toBe(201);
    await student(db, stack.api.config);
    await expectRefusedWithoutMoney(other, lesson(4));
    await expectRefusedWithoutMoney(other, lesson(4, 'pm_someone_elses_card'));
  });

  it('is accepted once saved, and the authorization charges it on the student’s customer', async () => {
    const saver = await student(stack.api.container.resources.db, stack.api.config);
    const booked = await requestBooking(stack.api, saver, lesson(5));
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const [authorization] = stack.stripe.requests({ method: 'POST', path: '/v1/payment_intents' }).filter((r) => r.idempotencyKey === `${booked.body.bookingId}:authorize`);
    const profile = await stack.api.container.resources.db('student_profiles').where({ user_id: saver.id }).first();
    expect(authorization?.body).toMatchObject({ payment_method: TEST_CARD, customer: profile.stripe_customer_id });
  });

  it('is not checked again on a retry of a request already taken: the retry answers its booking', async () => {
    const { db } = stack.api.container.resources;
    const saver = await student(db, stack.api.config);
    const key = randomUUID();
    const booked = await requestBooking(stack.api, saver, lesson(6), key);
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    // The card is no longer the student's (removed, or another customer since).
    await db('student_profiles').where({ user_id: saver.id }).update({ stripe_customer_id: 'cus_without_cards' });
    const retried = await requestBooking(stack.api, saver, lesson(6), key);
    expect(retried.status).toBe(200);
    expect(retried.body.bookingId).toBe(booked.body.bookingId);
    expect((await requestBooking(stack.api, saver, lesson(7))).status).toBe(422);
  });
});
