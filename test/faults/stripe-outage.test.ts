/**
 * Fault scenario 7: Stripe unreachable (connections cut), slow (latency past the API's deadline)
 * and failing (5xx, 429) in the strict fake, through the real API and worker. Bookings wait and
 * complete once Stripe is back; the API answers within its deadline (202 past it); no PaymentIntent,
 * capture or refund happens twice.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestUser } from '../support/fixtures.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student, TEST_CARD } from '../support/booking-stack.js';
import { expectInvariants, report } from './support/invariants.js';

const UPDATE_TIMEOUT_MS = 5_000;

let stack: BookingStack;
let tutor: TestUser;
let alice: TestUser;

beforeAll(async () => {
  stack = await startBookingStack({ BOOKING_UPDATE_TIMEOUT: `${UPDATE_TIMEOUT_MS}ms` });
  await stack.startWorker();
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config, { cancellationPolicy: 'flexible' });
  alice = await student(db, stack.api.config);
}, 180_000);

afterAll(async () => {
  stack?.stripe.clearFaults();
  await stack?.close();
});

const row = (id: string) => stack.api.container.resources.db('bookings').where({ id }).first();
const settled = (id: string, check: (row: Record<string, unknown>) => boolean) => eventually(() => row(id), (value) => !!value && check(value), 120_000);

it('7: Stripe unreachable, slow and failing: bookings wait, complete once it is back, nothing charged twice', async () => {
  const answers: number[] = [];
  const bookingIds: string[] = [];

  // Unreachable: every connection to Stripe is cut. The API cannot check the card: 503 with
  // Retry-After, and nothing is written.
  stack.stripe.failNext(100, 'drop');
  const keys = [6, 7, 8, 9].map((days) => ({ days, key: randomUUID() }));
  const book = ({ days, key }: { days: number; key: string }) => requestBooking(stack.api, alice, { tutorId: tutor.id, start: slotInDays(days), lengthMinutes: 60, paymentMethodId: TEST_CARD }, key);
  const refused = await book(keys[0]!);
  answers.push(refused.status);
  expect(refused.status, JSON.stringify(refused.body)).toBe(503);
  expect(refused.headers.get('content-type')).toContain('application/problem+json');
  expect(refused.headers.get('retry-after')).toBeTruthy();
  const rowsBefore = await stack.api.container.resources.db('bookings').where({ tutor_id: tutor.id }).count({ count: '*' });
  expect(Number(rowsBefore[0]!.count)).toBe(0);
  stack.stripe.clearFaults();

  // Only the PaymentIntent calls are cut: bookings are taken and wait for their authorization.
  stack.stripe.failNext(100, 'drop', undefined, { method: 'POST', path: '/v1/payment_intents' });
  const requests = await Promise.all(keys.map(book));
  for (const answer of requests) {
    answers.push(answer.status);
    expect([201, 202], JSON.stringify(answer.body)).toContain(answer.status);
    bookingIds.push(answer.body.bookingId as string);
  }
  const dropped = stack.stripe.requests().filter((request) => request.status === null).length;
  stack.stripe.clearFaults();
  for (const id of bookingIds) await settled(id, (value) => value.status === 'REQUESTED');

  // Slow: Stripe answers after the API's deadline; the tutor's accept is answered 202 in time.
  stack.stripe.setLatency(UPDATE_TIMEOUT_MS + 2_000);
  const slow = await Promise.all(bookingIds.slice(0, 2).map(async (id) => {
    const began = Date.now();
    const answer = await call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {});
    return { answer, tookMs: Date.now() - began };
  }));
  stack.stripe.setLatency(0);
  for (const { answer, tookMs } of slow) {
    answers.push(answer.status);
    expect(answer.status).toBe(202);
    expect(tookMs).toBeLessThan(UPDATE_TIMEOUT_MS + 3_000);
  }

  // Failing: 5xx and 429 answers on the next captures and refunds.
  stack.stripe.failNext(3, 503, undefined, { method: 'POST', path: '/v1/payment_intents/' });
  stack.stripe.failNext(2, 500, undefined, { method: 'POST', path: '/v1/refunds' });
  stack.stripe.failNext(2, 429, undefined, { method: 'POST', path: '/v1/refunds' });
  const accepted = await Promise.all(bookingIds.slice(2).map((id) => call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {})));
  for (const answer of accepted) {
    answers.push(answer.status);
    expect([200, 202], JSON.stringify(answer.body)).toContain(answer.status);
  }
  for (const id of bookingIds) await settled(id, (value) => value.status === 'SCHEDULED' && value.captured_minor === 6_000);
  const cancelled = await Promise.all(bookingIds.slice(0, 2).map((id) => call(stack.api, 'POST', `/api/bookings/${id}/cancel`, tutor, { reason: 'Ill' })));
  for (const answer of cancelled) {
    answers.push(answer.status);
    expect([200, 202], JSON.stringify(answer.body)).toContain(answer.status);
  }
  for (const id of bookingIds.slice(0, 2)) await settled(id, (value) => value.status === 'CANCELLED' && value.refunded_minor === 6_000);

  const figures = await expectInvariants(stack, bookingIds);
  expect(figures).toMatchObject({ bookings: 4, charges: 4, refunds: 2, attention: 0 });
  for (const id of bookingIds) expect(stack.stripe.money(id).paymentIntentIds).toHaveLength(1);
  const injected = stack.stripe.requests().filter((request) => request.status !== null && request.status >= 429).length;
  report('7 Stripe unreachable / slow / 5xx', { ...figures, droppedConnections: dropped, injectedErrors: injected, answers: answers.join(',') });
});
