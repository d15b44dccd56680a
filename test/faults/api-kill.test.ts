/**
 * Fault scenario 4: the API process (server/api.ts, a real process) is killed with SIGKILL after it
 * accepted a request and before it answered — while the booking's workflow is authorizing the card,
 * and again while it is capturing on the tutor's accept. The client retries on another API process
 * with the same Idempotency-Key (the tutor simply accepts again): one booking, one authorization,
 * one capture.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callApi } from '../support/http.js';
import type { TestUser } from '../support/fixtures.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student, TEST_CARD } from '../support/booking-stack.js';
import { expectInvariants, report } from './support/invariants.js';
import { killAll, spawnApi } from './support/processes.js';

let stack: BookingStack;
let tutor: TestUser;
let alice: TestUser;

beforeAll(async () => {
  stack = await startBookingStack();
  await stack.startWorker();
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config);
  alice = await student(db, stack.api.config);
}, 180_000);

afterAll(async () => {
  stack?.stripe.clearFaults();
  await killAll();
  await stack?.close();
});

it('4: the API killed between accepting a request and answering; the same key again is the one booking', async () => {
  const { db } = stack.api.container.resources;
  const body = { tutorId: tutor.id, start: slotInDays(3), lengthMinutes: 60, paymentMethodId: TEST_CARD };
  const key = randomUUID();
  const intents = () => stack.stripe.requests({ method: 'POST', path: '/v1/payment_intents' });
  const captures = () => stack.stripe.requests({ method: 'POST', path: /^\/v1\/payment_intents\/[^/]+\/capture$/ });
  const lost: string[] = [];

  // Stripe is slow enough that the API is still waiting for the workflow when it dies.
  stack.stripe.setLatency(3_000);
  const doomed = await spawnApi(stack);
  const first = callApi(doomed.baseUrl, 'POST', '/api/bookings', { user: alice, body, headers: { 'Idempotency-Key': key } }).catch((error: Error) => error);
  await eventually(async () => intents().length, (count) => count >= 1, 30_000);
  await doomed.kill('SIGKILL');
  const firstAnswer = await first;
  expect(firstAnswer).toBeInstanceOf(Error);
  lost.push('request');
  stack.stripe.setLatency(0);

  const retried = await requestBooking(stack.api, alice, body, key);
  expect([200, 201, 202], JSON.stringify(retried.body)).toContain(retried.status);
  const id = retried.body.bookingId as string;
  await eventually(() => db('bookings').where({ id }).first(), (row) => row?.status === 'REQUESTED', 60_000);
  const again = await requestBooking(stack.api, alice, body, key);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ bookingId: id, status: 'REQUESTED' });

  // The same on the tutor's accept: the API dies while the workflow captures; the tutor accepts again.
  stack.stripe.setLatency(3_000);
  const doomedAgain = await spawnApi(stack);
  const accepting = callApi(doomedAgain.baseUrl, 'POST', `/api/bookings/${id}/accept`, { user: tutor, body: {} }).catch((error: Error) => error);
  await eventually(async () => captures().length, (count) => count >= 1, 30_000);
  await doomedAgain.kill('SIGKILL');
  expect(await accepting).toBeInstanceOf(Error);
  lost.push('accept');
  stack.stripe.setLatency(0);
  const acceptedAgain = await call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {});
  // Already scheduled by the first accept (200 with the state), or refused as a change that is no longer possible.
  expect([200, 409], JSON.stringify(acceptedAgain.body)).toContain(acceptedAgain.status);
  await eventually(() => db('bookings').where({ id }).first(), (row) => row?.status === 'SCHEDULED' && row.captured_minor === 6_000, 60_000);

  expect(await db('bookings').where({ student_id: alice.id }).count({ count: '*' })).toEqual([{ count: '1' }]);
  const figures = await expectInvariants(stack, [id]);
  expect(figures).toMatchObject({ bookings: 1, authorizations: 1, charges: 1 });
  expect(new Set(captures().map((request) => request.idempotencyKey))).toEqual(new Set([`${id}:capture`]));
  report('4 API kill -9 before answering', { ...figures, answersLost: lost.join('+'), retryStatus: retried.status, secondAccept: acceptedAgain.status });
});
