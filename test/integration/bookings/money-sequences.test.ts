/**
 * Money across sequences of actions, through the API on the Temporal dev server with the real
 * worker and the strict Stripe fake: after each scenario Stripe's view, the Postgres read model and
 * the workflow agree. Also the failure policy as admins meet it (the attention list and its
 * resolution) and the API's bounded answers (202 past BOOKING_UPDATE_TIMEOUT, 503 when no worker
 * takes the request).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { createTestUser } from '../../support/fixtures.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student } from '../../support/booking-stack.js';
import { bookingWorkflowId } from '../../../workflows/booking/definitions.js';

/** Short enough that a slow Stripe outlasts it, long enough for an ordinary action on two cores. */
const UPDATE_TIMEOUT_MS = 8_000;

let stack: BookingStack;
let worker: { stop(): Promise<void> };
let tutor: TestUser;
let alice: TestUser;
let admin: TestUser;

beforeAll(async () => {
  stack = await startBookingStack({ BOOKING_UPDATE_TIMEOUT: `${UPDATE_TIMEOUT_MS}ms` });
  worker = await stack.startWorker();
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config, { cancellationPolicy: 'flexible' });
  [alice, admin] = await Promise.all([student(db, stack.api.config), createTestUser(db, stack.api.config, 'admin')]);
}, 120_000);
afterAll(() => stack?.close());

const lesson = (start: string) => ({ tutorId: tutor.id, start, lengthMinutes: 60, paymentMethodId: 'pm_card_visa' });
const key = () => ({ 'Idempotency-Key': randomUUID() });

async function scheduledBooking(daysAhead: number): Promise<string> {
  const requested = await requestBooking(stack.api, alice, lesson(slotInDays(daysAhead, 9 + (daysAhead % 8))));
  expect(requested.status, JSON.stringify(requested.body)).toBe(201);
  const id = requested.body.bookingId as string;
  const accepted = await call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {});
  expect(accepted.body).toMatchObject({ status: 'SCHEDULED', capturedMinor: 6_000 });
  return id;
}

/** Stripe (the fake's state), Postgres (the read model) and the workflow (its query) tell one story. */
async function expectAgreement(id: string) {
  const stripe = stack.stripe.money(id);
  const row = (await call(stack.api, 'GET', `/api/bookings/${id}`, admin)).body;
  expect({ captured: row.capturedMinor, refunded: row.refundedMinor }).toEqual({ captured: stripe.captured, refunded: stripe.refunded });
  expect(stripe.refunded).toBeLessThanOrEqual(stripe.captured);
  const handle = stack.api.container.resources.temporal.client.workflow.getHandle(bookingWorkflowId(id));
  const live = await handle.query('getBooking').catch(() => undefined);
  if (live) expect(live).toMatchObject({ capturedMinor: stripe.captured, refundedMinor: stripe.refunded });
  // One idempotency key per Stripe step: a retried step never became a second mutation.
  const keys = stripe.mutations.filter((mutation) => mutation.status !== null && mutation.status < 300).map((mutation) => mutation.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
}

describe('the money issue’s sequence', () => {
  it('refunds what remains when the student cancels after a goodwill refund; the workflow ends and the request is answered in time', async () => {
    const id = await scheduledBooking(9);
    const goodwill = await call(stack.api, 'POST', `/api/admin/bookings/${id}/refunds`, admin, { amountMinor: 500, reason: 'Goodwill' }, key());
    expect(goodwill.body).toMatchObject({ refundedMinor: 500, paymentStatus: 'partially_refunded' });

    const began = Date.now();
    const cancelled = await call(stack.api, 'POST', `/api/bookings/${id}/cancel`, alice, { reason: 'Plans changed' });
    expect(Date.now() - began).toBeLessThan(UPDATE_TIMEOUT_MS + 2_000);
    expect(cancelled.status).toBe(200);
    // Nine days ahead, flexible policy: 100 % — of the 5500 that remained, not of the 6000 price.
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', capturedMinor: 6_000, refundedMinor: 6_000, paymentStatus: 'refunded' });
    expect(stack.stripe.money(id).refunded).toBe(6_000);
    expect(stack.stripe.requests({ method: 'POST', path: '/v1/refunds' }).filter((request) => request.idempotencyKey?.startsWith(id)).map((request) => request.body.amount)).toEqual(['500', '5500']);

    const handle = stack.api.container.resources.temporal.client.workflow.getHandle(bookingWorkflowId(id));
    await handle.result();
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const row = await eventually(
      () => call(stack.api, 'GET', `/api/bookings/${id}`, alice),
      (answer) => answer.body.refundedMinor === 6_000,
    );
    expect(row.body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'refunded' });
    await expectAgreement(id);
  });
});

describe('attention, as admins meet it', () => {
  it('lists a booking whose refund Stripe refused, and settles it when an admin retries', async () => {
    const id = await scheduledBooking(12);
    stack.stripe.failNext(1, 400, { error: { type: 'invalid_request_error', code: 'charge_disputed', message: 'This charge is disputed.' } }, { method: 'POST', path: '/v1/refunds' });
    const cancelled = await call(stack.api, 'POST', `/api/bookings/${id}/cancel`, tutor, { reason: 'Ill' });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', refundedMinor: 0 });
    expect(cancelled.body.attention).toEqual([expect.objectContaining({ id: 'refund-cancel', reason: 'refund_failed', amountMinor: 6_000 })]);

    const listed = await eventually(
      () => call(stack.api, 'GET', '/api/bookings?attention=true&limit=100', admin),
      (answer) => answer.body.items.some((item: { id: string }) => item.id === id),
    );
    expect(listed.body.items.find((item: { id: string }) => item.id === id)).toMatchObject({ attentionReason: 'refund_failed', status: 'CANCELLED' });
    expect((await call(stack.api, 'GET', '/api/bookings?attention=true', alice)).status).toBe(403);
    expect((await call(stack.api, 'POST', `/api/admin/bookings/${id}/attention`, alice, { action: 'retry', reason: 'x' })).status).toBe(403);

    const settled = await call(stack.api, 'POST', `/api/admin/bookings/${id}/attention`, admin, { action: 'retry', reason: 'The dispute is closed' });
    expect(settled.status, JSON.stringify(settled.body)).toBe(200);
    expect(settled.body).toMatchObject({ refundedMinor: 6_000, paymentStatus: 'refunded' });
    expect(settled.body.attention).toBeUndefined();
    await eventually(
      () => call(stack.api, 'GET', '/api/bookings?attention=true&limit=100', admin),
      (answer) => !answer.body.items.some((item: { id: string }) => item.id === id),
    );
    await expectAgreement(id);
    const timeline = await call(stack.api, 'GET', `/api/bookings/${id}/timeline`, admin);
    expect(timeline.body.events.map((event: { type: string }) => event.type)).toEqual(expect.arrayContaining(['attention.raised', 'attention.resolved', 'refund.issued']));
  });
});

describe('bounded answers', () => {
  it('answers 202 with the booking’s URL when Stripe is slower than the deadline, and the change lands', async () => {
    const id = await scheduledBooking(15);
    stack.stripe.setLatency(UPDATE_TIMEOUT_MS + 2_000);
    try {
      const began = Date.now();
      const cancelled = await call(stack.api, 'POST', `/api/bookings/${id}/cancel`, tutor, { reason: 'Ill' });
      expect(Date.now() - began).toBeLessThan(UPDATE_TIMEOUT_MS + 2_000);
      expect(cancelled.status).toBe(202);
      expect(cancelled.body).toMatchObject({ bookingId: id, href: `/api/bookings/${id}` });
    } finally {
      stack.stripe.setLatency(0);
    }
    await eventually(
      () => call(stack.api, 'GET', `/api/bookings/${id}`, alice),
      (answer) => answer.body.status === 'CANCELLED' && answer.body.refundedMinor === 6_000,
      60_000,
    );
    await expectAgreement(id);
  });

  it('answers 503 with Retry-After when no worker takes the request, and the retry is the same action', async () => {
    const id = await scheduledBooking(18);
    await worker.stop();
    try {
      const refundKey = key();
      const refused = await call(stack.api, 'POST', `/api/admin/bookings/${id}/refunds`, admin, { amountMinor: 1_000, reason: 'Goodwill' }, refundKey);
      expect(refused.status).toBe(503);
      expect(refused.body.type).toBe('urn:tutorflow:problem:unavailable');
      worker = await stack.startWorker();
      // The same key again: one refund, whether or not the first attempt reached the workflow.
      const retried = await eventually(
        () => call(stack.api, 'POST', `/api/admin/bookings/${id}/refunds`, admin, { amountMinor: 1_000, reason: 'Goodwill' }, refundKey),
        (answer) => answer.status === 200,
        60_000,
      );
      expect(retried.body.refundedMinor).toBe(1_000);
      expect(stack.stripe.money(id).refunded).toBe(1_000);
    } finally {
      worker = worker ?? (await stack.startWorker());
    }
    await call(stack.api, 'POST', `/api/admin/bookings/${id}/cancel`, admin, { reason: 'end of test', refundAmountMinor: 0 }, key());
    await expectAgreement(id);
  });
});
