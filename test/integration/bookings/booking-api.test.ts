/**
 * Bookings through the API, end to end on the real Temporal dev server with a real worker: holds,
 * idempotency, double booking, the tutor's answer, cancellation refunds, access, timeline, webhooks.
 */
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { createTestUser } from '../../support/fixtures.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student } from '../../support/booking-stack.js';
import { readJson } from '../../support/http.js';

let stack: BookingStack;
let tutor: TestUser;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;

beforeAll(async () => {
  stack = await startBookingStack();
  await stack.startWorker();
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config);
  [alice, bob, admin] = await Promise.all([student(db, stack.api.config), student(db, stack.api.config), createTestUser(db, stack.api.config, 'admin')]);
}, 120_000);
afterAll(() => stack?.close());

const lesson = (start: string, extra: Record<string, unknown> = {}) => ({ tutorId: tutor.id, start, lengthMinutes: 60, paymentMethodId: 'pm_card_visa', ...extra });

describe('POST /api/bookings', () => {
  it('holds the time, authorizes the card, and answers REQUESTED; the same key returns the same booking', async () => {
    const key = randomUUID();
    const first = await requestBooking(stack.api, alice, lesson(slotInDays(3)), key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ status: 'REQUESTED', paymentStatus: 'authorized', capturedMinor: 0 });

    const again = await requestBooking(stack.api, alice, lesson(slotInDays(3)), key);
    expect(again.status).toBe(200);
    expect(again.body.bookingId).toBe(first.body.bookingId);

    const authorizations = stack.stripe.requests({ method: 'POST', path: '/v1/payment_intents' });
    const ours = authorizations.filter((request) => request.idempotencyKey === `${first.body.bookingId}:authorize`);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toMatchObject({ capture_method: 'manual', amount: '6000', currency: 'eur', transfer_group: first.body.bookingId });
  });

  it('refuses the same Idempotency-Key with another body (422) and writes nothing', async () => {
    const key = randomUUID();
    expect((await requestBooking(stack.api, alice, lesson(slotInDays(4)), key)).status).toBe(201);
    const reused = await requestBooking(stack.api, alice, lesson(slotInDays(5)), key);
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('urn:tutorflow:problem:unprocessable');
    const list = await call(stack.api, 'GET', `/api/bookings?from=${encodeURIComponent(slotInDays(5, 0))}&to=${encodeURIComponent(slotInDays(6, 0))}`, alice);
    expect(list.body.items).toEqual([]);
  });

  it('lets exactly one of many concurrent requests for one slot win; the rest get 409', async () => {
    const { db, } = stack.api.container.resources;
    const students = await Promise.all(Array.from({ length: 6 }, () => student(db, stack.api.config)));
    const start = slotInDays(6, 14);
    const answers = await Promise.all(students.map((someone) => requestBooking(stack.api, someone, lesson(start))));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    for (const refused of answers.filter((answer) => answer.status === 409)) {
      expect(refused.body.type).toBe('urn:tutorflow:problem:conflict');
    }
    const live = await db('bookings').where({ tutor_id: tutor.id, session_start: new Date(start) }).whereIn('status', ['PENDING_PAYMENT', 'REQUESTED']);
    expect(live).toHaveLength(1);
  });

  it('refuses bad input with field errors and starts nothing', async () => {
    const noKey = await call(stack.api, 'POST', '/api/bookings', alice, lesson(slotInDays(7)));
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors).toEqual([expect.objectContaining({ path: 'headers.idempotency-key' })]);
    const bad = await requestBooking(stack.api, alice, { tutorId: 'nope', start: 'tomorrow', lengthMinutes: 7 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((issue: { path: string }) => issue.path)).toEqual(expect.arrayContaining(['body.tutorId', 'body.start', 'body.lengthMinutes', 'body.paymentMethodId']));
    const offGrid = await requestBooking(stack.api, alice, lesson(slotInDays(7).replace(':00:00', ':07:00')));
    expect(offGrid.status).toBe(422);
    const tooLong = await requestBooking(stack.api, alice, lesson(slotInDays(7), { lengthMinutes: 45 }));
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.detail).toMatch(/length/);
    const asTutor = await requestBooking(stack.api, tutor, lesson(slotInDays(7)));
    expect(asTutor.status).toBe(403);
    const unknownTutor = await requestBooking(stack.api, alice, lesson(slotInDays(7), { tutorId: randomUUID() }));
    expect(unknownTutor.status).toBe(404);
  });
});

describe('a requested booking', () => {
  it('is scheduled on the tutor’s accept: captured, a meeting, both parties emailed; visible to its parties and admins only', async () => {
    const requested = await requestBooking(stack.api, alice, lesson(slotInDays(8)));
    const id = requested.body.bookingId as string;

    expect((await call(stack.api, 'POST', `/api/bookings/${id}/accept`, bob, {})).status).toBe(404);
    const accepted = await call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {});
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'SCHEDULED', paymentStatus: 'captured', capturedMinor: 6_000 });
    expect(accepted.body.meetingJoinUrl).toEqual(expect.any(String));
    expect(stack.stripe.requests({ path: new RegExp(`/v1/payment_intents/.+/capture`) }).filter((r) => r.idempotencyKey === `${id}:capture`)).toHaveLength(1);

    expect((await call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {})).status).toBe(409);

    expect((await call(stack.api, 'GET', `/api/bookings/${id}`, bob)).status).toBe(404);
    expect((await call(stack.api, 'GET', `/api/bookings/${id}`, undefined)).status).toBe(401);
    expect((await call(stack.api, 'GET', `/api/bookings/${id}`, admin)).status).toBe(200);
    const mine = await call(stack.api, 'GET', `/api/bookings/${id}`, alice);
    expect(mine.body).toMatchObject({ status: 'SCHEDULED', capturedMinor: 6_000, priceMinor: 6_000, currency: 'EUR', meetingJoinUrl: accepted.body.meetingJoinUrl });

    const timeline = await eventually(
      () => call(stack.api, 'GET', `/api/bookings/${id}/timeline`, tutor),
      (answer) => answer.body.events.some((event: { type: string }) => event.type === 'meeting.created'),
    );
    expect(timeline.body.events.map((event: { type: string }) => event.type)).toEqual(
      expect.arrayContaining(['status.requested', 'payment.authorized', 'payment.captured', 'status.scheduled', 'meeting.created']),
    );
    await eventually(
      async () => stack.fakes.fakes.brevo.messages(alice.email).map((message) => message.subject),
      (subjects) => subjects.includes('Your lesson is booked'),
    );
  });

  it('is declined by its tutor: the hold is released', async () => {
    const requested = await requestBooking(stack.api, alice, lesson(slotInDays(9)));
    const id = requested.body.bookingId as string;
    const declined = await call(stack.api, 'POST', `/api/bookings/${id}/decline`, tutor, { reason: 'Away' });
    expect(declined.body.status).toBe('DECLINED');
    expect(stack.stripe.requests({ path: /\/cancel$/ }).filter((r) => r.idempotencyKey === `${id}:release`)).toHaveLength(1);
    // The time is free again: another student can take it.
    expect((await requestBooking(stack.api, bob, lesson(slotInDays(9)))).status).toBe(201);
  });

  it('refunds a scheduled lesson cancelled by its tutor in full', async () => {
    const requested = await requestBooking(stack.api, alice, lesson(slotInDays(10)));
    const id = requested.body.bookingId as string;
    await call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {});
    const cancelled = await call(stack.api, 'POST', `/api/bookings/${id}/cancel`, tutor, { reason: 'Sick' });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', refundedMinor: 6_000, paymentStatus: 'refunded' });
    const refunds = stack.stripe.requests({ method: 'POST', path: '/v1/refunds' }).filter((r) => r.idempotencyKey === `${id}:refund-cancel`);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.body).toMatchObject({ amount: '6000' });
  });

  it('lets admins refund once per Idempotency-Key, never above what was captured, and records who did it', async () => {
    const requested = await requestBooking(stack.api, alice, lesson(slotInDays(11)));
    const id = requested.body.bookingId as string;
    await call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {});
    const key = (value: string) => ({ 'Idempotency-Key': value });
    expect((await call(stack.api, 'POST', `/api/admin/bookings/${id}/refunds`, tutor, { amountMinor: 100, reason: 'x' }, key('tutor-try-1'))).status).toBe(403);
    // The key is required: without it a double click could refund twice.
    const keyless = await call(stack.api, 'POST', `/api/admin/bookings/${id}/refunds`, admin, { amountMinor: 100, reason: 'x' });
    expect(keyless.status).toBe(400);
    const tooMuch = await call(stack.api, 'POST', `/api/admin/bookings/${id}/refunds`, admin, { amountMinor: 6_001, reason: 'Goodwill' }, key('too-much-1'));
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.detail).toMatch(/At most 6000/);
    const refunded = await call(stack.api, 'POST', `/api/admin/bookings/${id}/refunds`, admin, { amountMinor: 1_500, reason: 'Late start' }, key('late-start-1'));
    expect(refunded.body).toMatchObject({ refundedMinor: 1_500, paymentStatus: 'partially_refunded' });
    // A double click: the same key is the same refund.
    const again = await call(stack.api, 'POST', `/api/admin/bookings/${id}/refunds`, admin, { amountMinor: 1_500, reason: 'Late start' }, key('late-start-1'));
    expect(again.status).toBe(200);
    expect(again.body.refundedMinor).toBe(1_500);
    expect(stack.stripe.requests({ method: 'POST', path: '/v1/refunds' }).filter((request) => request.idempotencyKey?.startsWith(id))).toHaveLength(1);

    const audit = await eventually(
      () => call(stack.api, 'GET', '/api/admin/audit-log', admin),
      (answer) => answer.body.items.some((item: { bookingId: string }) => item.bookingId === id),
    );
    expect(audit.body.items.find((item: { bookingId: string }) => item.bookingId === id)).toMatchObject({ adminId: admin.id, type: 'refund.issued' });
    expect((await call(stack.api, 'GET', '/api/admin/audit-log', alice)).status).toBe(403);
  });

  it('lists a user’s bookings with filters and a cursor', async () => {
    const page = await call(stack.api, 'GET', '/api/bookings?status=SCHEDULED,CANCELLED&limit=1', alice);
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
    expect(['SCHEDULED', 'CANCELLED']).toContain(page.body.items[0].status);
    const next = await call(stack.api, 'GET', `/api/bookings?status=SCHEDULED,CANCELLED&limit=1&cursor=${page.body.nextCursor}`, alice);
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
    expect((await call(stack.api, 'GET', '/api/bookings?cursor=garbage', alice)).status).toBe(400);
    const tutorsView = await call(stack.api, 'GET', '/api/bookings?limit=100', tutor);
    expect(tutorsView.body.items.every((item: { tutorId: string }) => item.tutorId === tutor.id)).toBe(true);
  });
});

describe('Stripe webhooks for bookings', () => {
  const signer = new Stripe('sk_test_signer');

  async function deliver(event: object) {
    const payload = JSON.stringify(event);
    const signature = signer.webhooks.generateTestHeaderString({ payload, secret: stack.api.config.stripe.webhookSecret });
    const response = await fetch(`${stack.api.baseUrl}/api/webhooks/stripe`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, body: payload });
    return { status: response.status, body: await readJson(response) };
  }

  it('turns a 3-D Secure payment’s capturable event into the request, once, however often it is delivered', async () => {
    const bookingId = randomUUID();
    // The card needs the student's action: Stripe answers requires_action with a client secret.
    stack.stripe.failNext(
      1,
      200,
      {
        id: `pi_3ds_${bookingId.slice(0, 8)}`,
        object: 'payment_intent',
        status: 'requires_action',
        client_secret: 'pi_3ds_secret_abc',
        amount: 6_000,
        currency: 'eur',
        capture_method: 'manual',
        metadata: {},
      },
      // The authorization, not the saved-card check before it.
      { method: 'POST', path: '/v1/payment_intents' },
    );
    const requested = await requestBooking(stack.api, alice, lesson(slotInDays(12)));
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    expect(requested.body).toMatchObject({ status: 'PENDING_PAYMENT', paymentStatus: 'requires_action', paymentClientSecret: 'pi_3ds_secret_abc' });
    const id = requested.body.bookingId as string;
    const paymentIntentId = `pi_3ds_${bookingId.slice(0, 8)}`;

    const event = {
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: 'payment_intent.amount_capturable_updated',
      data: { object: { id: paymentIntentId, object: 'payment_intent', status: 'requires_capture', metadata: { bookingId: id } } },
    };
    const first = await deliver(event);
    const duplicate = await deliver(event);
    expect(first.status).toBe(200);
    expect(duplicate.status).toBe(200);
    expect(duplicate.body).not.toEqual(first.body);

    const booking = await eventually(
      () => call(stack.api, 'GET', `/api/bookings/${id}`, alice),
      (answer) => answer.body.status === 'REQUESTED',
    );
    expect(booking.body.paymentStatus).toBe('authorized');
    const timeline = await call(stack.api, 'GET', `/api/bookings/${id}/timeline`, alice);
    expect(timeline.body.events.filter((e: { type: string }) => e.type === 'payment.authorized')).toHaveLength(1);
  });
});

describe('a request nobody answers', () => {
  let quick: BookingStack;
  beforeAll(async () => {
    // The request TTL compressed to seconds, as a demo runs it.
    quick = await startBookingStack({ BOOKING_REQUEST_TTL: '3s' });
    await quick.startWorker();
  }, 120_000);
  afterAll(() => quick?.close());

  it('expires through the real timers and releases the card hold', async () => {
    const { db } = quick.api.container.resources;
    const someTutor = await bookableTutor(db, quick.api.config);
    const someone = await student(db, quick.api.config);
    const requested = await requestBooking(quick.api, someone, { tutorId: someTutor.id, start: slotInDays(2), lengthMinutes: 30, paymentMethodId: 'pm_card_visa' });
    expect(requested.body.status).toBe('REQUESTED');
    expect(Date.parse(requested.body.requestExpiresAt) - Date.now()).toBeLessThan(5_000);
    const id = requested.body.bookingId as string;

    const expired = await eventually(() => call(quick.api, 'GET', `/api/bookings/${id}`, someone), (answer) => answer.body.status === 'EXPIRED', 30_000);
    expect(expired.body.paymentStatus).toBe('released');
    expect(quick.stripe.requests({ path: /\/cancel$/ }).filter((r) => r.idempotencyKey === `${id}:release`)).toHaveLength(1);
    expect((await call(quick.api, 'POST', `/api/bookings/${id}/accept`, someTutor, {})).status).toBe(409);
  });
});

describe('keyset cursors', () => {
  it('refuses a cursor this API did not give out with a 400, even when it decodes', async () => {
    const forged = Buffer.from(JSON.stringify(['not-a-time', 'not-an-id'])).toString('base64url');
    for (const path of [`/api/bookings?cursor=${forged}`, `/api/admin/audit-log?cursor=${forged}`]) {
      const answer = await call(stack.api, 'GET', path, path.includes('admin') ? admin : alice);
      expect(answer.status, path).toBe(400);
      expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'query.cursor' })]);
    }
  });
});
