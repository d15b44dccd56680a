/**
 * `ops attention` on real bookings: the booking workflow, the real worker and activities, Stripe
 * behind the recording proxy with injected faults. A refund Stripe refuses puts the booking in the
 * attention state (listed with its reason and amount); a capture failing with 500s is listed as a
 * step stuck retrying, and leaves the list once Stripe answers again.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAttention, type AttentionItem } from '../../../scripts/ops/attention.js';
import type { OpsContext } from '../../../scripts/ops/context.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student } from '../../support/booking-stack.js';
import type { TestUser } from '../../support/fixtures.js';
import { ensureAttentionAttribute } from './attention-attribute.js';

let stack: BookingStack;
let worker: { stop(): Promise<void> };
let connection: Connection;
let ctx: OpsContext;
let tutor: TestUser;
let alice: TestUser;

beforeAll(async () => {
  stack = await startBookingStack();
  connection = await Connection.connect({ address: stack.api.config.temporal.address });
  const { namespace, uiUrl } = stack.api.config.temporal;
  await ensureAttentionAttribute(connection, namespace);
  worker = await stack.startWorker();
  const { db } = stack.api.container.resources;
  ctx = { client: new Client({ connection, namespace }), namespace, taskQueue: stack.taskQueue, uiUrl, db };
  tutor = await bookableTutor(db, stack.api.config, { cancellationPolicy: 'flexible' });
  alice = await student(db, stack.api.config);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await stack?.close();
  await connection?.close();
});

const lesson = (days: number) => ({ tutorId: tutor.id, start: slotInDays(days, 9 + (days % 8)), lengthMinutes: 60, paymentMethodId: 'pm_card_visa' });
const listed = (bookingId: string, minAttempts = 3) =>
  eventually(
    () => findAttention(ctx, { minAttempts, limit: 100 }),
    (items) => items.some((item) => item.bookingId === bookingId),
  ).then((items) => items.find((item) => item.bookingId === bookingId) as AttentionItem);

describe('ops attention on real bookings', () => {
  it('lists a booking whose refund Stripe refused, with its reason and amount', async () => {
    const requested = await requestBooking(stack.api, alice, lesson(12));
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const id = requested.body.bookingId as string;
    expect((await call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {})).body).toMatchObject({ status: 'SCHEDULED', capturedMinor: 6_000 });

    stack.stripe.failNext(1, 400, { error: { type: 'invalid_request_error', code: 'charge_disputed', message: 'This charge is disputed.' } }, { method: 'POST', path: '/v1/refunds' });
    expect((await call(stack.api, 'POST', `/api/bookings/${id}/cancel`, tutor, { reason: 'Ill' })).body).toMatchObject({ status: 'CANCELLED', refundedMinor: 0 });

    const item = await listed(id);
    expect(item).toMatchObject({
      reason: 'refund_failed',
      workflowId: `booking-${id}`,
      amount: { priceMinor: 6_000, capturedMinor: 6_000, currency: 'EUR' },
      bookingStatus: 'CANCELLED',
    });
    expect(item.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(item.link).toContain(`/workflows/booking-${id}/`);
  });

  it('lists a booking whose capture keeps failing as a stuck step, until Stripe answers again', { timeout: 90_000 }, async () => {
    const requested = await requestBooking(stack.api, alice, lesson(13));
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const id = requested.body.bookingId as string;
    // Nine 500s: the Stripe client sends each call three times (maxNetworkRetries 2), so the
    // capture's attempts 1-3 fail (retried after 1 and 2 s) and the fourth, 4 s later, goes through.
    stack.stripe.failNext(9, 500, undefined, { method: 'POST', path: '/v1/payment_intents/' });
    const accepting = call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {});

    const stuck = await listed(id);
    expect(stuck).toMatchObject({ reason: 'activity:capturePayment', activity: { type: 'capturePayment', attempt: expect.any(Number) } });
    expect(stuck.activity!.attempt).toBeGreaterThanOrEqual(3);
    expect(stuck.activity!.lastFailure).toBeTruthy();
    expect(stuck.amount).toMatchObject({ priceMinor: 6_000, capturedMinor: 0 });

    expect([200, 202]).toContain((await accepting).status);
    await eventually(
      () => call(stack.api, 'GET', `/api/bookings/${id}`, tutor),
      (answer) => answer.body.status === 'SCHEDULED',
      60_000,
    );
    const after = await findAttention(ctx, { minAttempts: 3, limit: 100 });
    expect(after.map((item) => item.bookingId)).not.toContain(id);
  });
});
