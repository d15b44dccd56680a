/**
 * Fault scenario 1: the booking worker (a real process) is killed with SIGKILL while three bookings
 * are at the three worst moments of a capture — one before its Stripe call reached Stripe, one after
 * Stripe captured but with the answer lost, one after the Postgres write — and a second worker
 * finishes all three: each captured once, under one idempotency key.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestUser } from '../support/fixtures.js';
import { createTestUser } from '../support/fixtures.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student, TEST_CARD } from '../support/booking-stack.js';
import { expectInvariants, report } from './support/invariants.js';
import { killAll, spawnWorker } from './support/processes.js';

let stack: BookingStack;
let tutor: TestUser;
let alice: TestUser;

beforeAll(async () => {
  stack = await startBookingStack({ BOOKING_UPDATE_TIMEOUT: '5s' });
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config);
  [alice] = await Promise.all([student(db, stack.api.config), createTestUser(db, stack.api.config, 'admin')]);
}, 180_000);

afterAll(async () => {
  await killAll();
  await stack?.close();
});

it('1: a worker killed -9 before a Stripe call, after it (answer lost) and after the Postgres write; a second worker finishes', async () => {
  const worker = await spawnWorker(stack);
  const { db } = stack.api.container.resources;
  const ids: string[] = [];
  for (const days of [3, 4, 5]) {
    const requested = await requestBooking(stack.api, alice, { tutorId: tutor.id, start: slotInDays(days), lengthMinutes: 60, paymentMethodId: TEST_CARD });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    ids.push(requested.body.bookingId as string);
  }
  const [afterWrite, answerLost, beforeCall] = ids as [string, string, string];
  const capturePath = (id: string) => `/v1/payment_intents/${stack.stripe.money(id).paymentIntentIds[0]}/capture`;
  const capturesOf = (id: string) => stack.stripe.requests({ method: 'POST', path: capturePath(id) });
  const accept = (id: string) => call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {});

  // After the Postgres write: the capture is done and the read model shows it.
  const first = accept(afterWrite);
  await eventually(() => db('bookings').where({ id: afterWrite }).first(), (row) => row?.status === 'SCHEDULED' && row.captured_minor > 0, 60_000);
  // After the Stripe call: Stripe captures, its answer never reaches the worker.
  stack.stripe.failNext(1, 'lose-response', undefined, { method: 'POST', path: capturePath(answerLost) });
  const second = accept(answerLost);
  await eventually(async () => capturesOf(answerLost).length, (count) => count >= 1, 60_000);
  // Before the Stripe call: every attempt is cut before it reaches Stripe.
  stack.stripe.failNext(100, 'drop', undefined, { method: 'POST', path: capturePath(beforeCall) });
  const third = accept(beforeCall);
  await eventually(async () => capturesOf(beforeCall).length, (count) => count >= 1, 60_000);

  await worker.kill('SIGKILL');
  const killedAt = Date.now();
  expect(stack.stripe.money(beforeCall).captured).toBe(0);
  expect(stack.stripe.money(answerLost).captured).toBe(6_000);
  stack.stripe.clearFaults();

  await stack.startWorker();
  const answers = await Promise.all([first, second, third]);
  for (const answer of answers) expect([200, 202], JSON.stringify(answer.body)).toContain(answer.status);
  for (const id of ids) {
    await eventually(() => db('bookings').where({ id }).first(), (row) => row?.status === 'SCHEDULED' && row.captured_minor === 6_000, 120_000);
  }
  const recoveredMs = Date.now() - killedAt;

  const figures = await expectInvariants(stack, ids);
  for (const id of ids) {
    const keys = new Set(capturesOf(id).map((request) => request.idempotencyKey));
    expect(keys).toEqual(new Set([`${id}:capture`]));
    expect(stack.stripe.money(id)).toMatchObject({ captured: 6_000, refunded: 0, held: 0 });
  }
  expect(figures).toMatchObject({ bookings: 3, charges: 3, refunds: 0 });
  report('1 worker kill -9 around a capture', { ...figures, captureAttempts: ids.map((id) => capturesOf(id).length).join('/'), recoveredMs });
});
