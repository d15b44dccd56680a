/**
 * Fault scenario 9: clients that retry and race. The same Idempotency-Key sent 20 times at once
 * (spread over two API instances) is one booking and one authorization; 50 racers for one slot of
 * one tutor, spread over two API instances (each its own pools and Temporal client, one database),
 * end with one booking, one authorization, and every loser told 409. A longer reschedule accepted
 * 10× at once over both instances pays its difference once: the booking then has two payments, one
 * authorization each (the invariants count authorizations per payment, by their key family).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestUser } from '../support/fixtures.js';
import { bookableTutor, type BookingStack, call, requestBooking, slotInDays, startBookingStack, student, TEST_CARD } from '../support/booking-stack.js';
import { startTestApi, type RunningApi } from '../support/harness.js';
import { expectInvariants, report } from './support/invariants.js';

let stack: BookingStack;
let second: RunningApi;
let tutor: TestUser;

beforeAll(async () => {
  stack = await startBookingStack();
  await stack.startWorker();
  second = await startTestApi(stack.workerEnv);
  tutor = await bookableTutor(stack.api.container.resources.db, stack.api.config);
}, 180_000);

afterAll(async () => {
  await second?.close();
  await stack?.close();
});

const instances = () => [stack.api, second];

it('9: one Idempotency-Key 20× at once, and 50 racers for one slot over two API instances', async () => {
  const { db, config } = { db: stack.api.container.resources.db, config: stack.api.config };
  const intentsBefore = stack.stripe.state().paymentIntents.length;

  // The same key, 20 times concurrently: one booking.
  const alice = await student(db, config);
  const key = randomUUID();
  const body = { tutorId: tutor.id, start: slotInDays(4), lengthMinutes: 60, paymentMethodId: TEST_CARD };
  const same = await Promise.all(Array.from({ length: 20 }, (_, index) => requestBooking(instances()[index % 2]!, alice, body, key)));
  const sameStatuses = same.map((answer) => answer.status);
  // Every try gets the one booking: a try that finds its own booking's time already held (by a
  // concurrent try with the same key) answers that booking, never 409.
  for (const answer of same) expect([200, 201, 202], JSON.stringify(answer.body)).toContain(answer.status);
  const sameIds = new Set(same.map((answer) => answer.body.bookingId));
  expect(sameIds.size).toBe(1);
  const [sameId] = [...sameIds] as [string];

  // 50 racers for one slot: ten students, five tries each with their own keys, over both instances.
  const students = await Promise.all(Array.from({ length: 10 }, () => student(db, config)));
  const slot = { tutorId: tutor.id, start: slotInDays(6, 14), lengthMinutes: 60, paymentMethodId: TEST_CARD };
  const racers = await Promise.all(Array.from({ length: 50 }, (_, index) => requestBooking(instances()[index % 2]!, students[index % 10]!, slot)));
  const statuses = racers.map((answer) => answer.status);
  const winners = racers.filter((answer) => answer.status === 201 || answer.status === 202);
  expect(winners, statuses.join(',')).toHaveLength(1);
  expect(statuses.filter((status) => status === 409)).toHaveLength(49);
  for (const loser of racers.filter((answer) => answer.status === 409)) expect(loser.headers.get('content-type')).toContain('application/problem+json');
  const winnerId = winners[0]!.body.bookingId as string;

  const live = await db('bookings').where({ tutor_id: tutor.id }).whereNotIn('status', ['PAYMENT_FAILED', 'EXPIRED', 'DECLINED', 'CANCELLED']).select('id');
  expect(live.map((row) => row.id).sort()).toEqual([sameId, winnerId].sort());
  const intents = stack.stripe.state().paymentIntents.slice(intentsBefore);
  expect(intents.map((intent) => intent.metadata.bookingId).sort()).toEqual([sameId, winnerId].sort());

  const figures = await expectInvariants(stack, [sameId, winnerId]);
  expect(figures.authorizations).toBe(2);
  report('9 idempotency and slot races over two API instances', {
    ...figures,
    sameKeyRequests: same.length,
    sameKeyCreated: sameStatuses.filter((status) => status === 201).length,
    sameKeyConflicts: sameStatuses.filter((status) => status === 409).length,
    racers: racers.length,
    conflicts: statuses.filter((status) => status === 409).length,
  });
});

it('9b: a longer reschedule accepted 10× at once over two API instances pays the difference once', async () => {
  const { db, config } = { db: stack.api.container.resources.db, config: stack.api.config };
  const ben = await bookableTutor(db, config);
  await db('tutor_profiles').where({ user_id: ben.id }).update({ lesson_lengths: [30, 60, 90] });
  const dan = await student(db, config);
  const nine = slotInDays(5, 9);
  const booked = await requestBooking(stack.api, dan, { tutorId: ben.id, start: nine, lengthMinutes: 60, paymentMethodId: TEST_CARD });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  const id = booked.body.bookingId as string;
  expect((await call(stack.api, 'POST', `/api/bookings/${id}/accept`, ben, {})).status).toBe(200);
  const later = new Date(Date.parse(nine) + 60 * 60_000).toISOString();
  const proposed = await call(stack.api, 'POST', `/api/bookings/${id}/reschedule`, dan, { start: later, lengthMinutes: 90 });
  expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);

  const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => call(instances()[index % 2]!, 'POST', `/api/bookings/${id}/reschedule/answer`, ben, { accept: true })));
  const statuses = answers.map((answer) => answer.status);
  // One answer moves the lesson; the others find no proposal left to answer.
  expect(statuses.filter((status) => status === 200), statuses.join(',')).toHaveLength(1);
  expect(statuses.filter((status) => status === 409), statuses.join(',')).toHaveLength(9);

  const figures = await expectInvariants(stack, [id]);
  // Two payments (the lesson's, the difference's), one authorization each: judged per payment, not per booking.
  expect(figures).toMatchObject({ bookings: 1, authorizations: 2, charges: 1 });
  expect(stack.stripe.money(id)).toMatchObject({ captured: 9_000, held: 0 });
  report('9b a longer reschedule accepted 10x over two API instances', { ...figures, answers: answers.length });
});
