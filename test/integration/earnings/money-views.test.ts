/**
 * A user's money through the API on the real stack: a tutor's earnings by month (pending, paid out,
 * refunded, reversed), the Stripe Express dashboard link the fake refuses before onboarding is done
 * (as Stripe does), the onboarding refresh and return URLs, a student's receipt, and removing a
 * saved card (refused while it holds a lesson's payment or pays a live series).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTutor } from '../availability/fixtures.js';
import { createTestUser } from '../../support/fixtures.js';
import { bookableTutor, call, eventually, requestBooking, slotInDays, student, TEST_CARD } from '../../support/booking-stack.js';
import { startSeriesStack } from '../series/series-stack.js';

let stack: Awaited<ReturnType<typeof startSeriesStack>>;
beforeAll(async () => {
  stack = await startSeriesStack();
}, 60_000);
afterAll(() => stack?.close());

const db = () => stack.api.container.resources.db;
const config = () => stack.api.config;

/** A lesson as the booking workflow leaves it in the read model, with the money it moved. */
async function lessonRow(tutorId: string, studentId: string, money: { status: string; captured: number; refunded?: number; paidOut?: number; currency?: string }) {
  const id = randomUUID();
  const start = new Date(Date.now() + 3 * 86_400_000 + Math.floor(Math.random() * 500) * 3_600_000);
  await db()('bookings').insert({
    id,
    student_id: studentId,
    tutor_id: tutorId,
    status: money.status,
    payment_status: money.paidOut ? 'paid_out' : 'captured',
    session_start: start,
    session_end: new Date(start.getTime() + 3_600_000),
    blocked_until: new Date(start.getTime() + 3_600_000),
    time_zone: 'UTC',
    price_minor: money.captured,
    currency: money.currency ?? 'EUR',
    commission_bps: 1_500,
    cancellation_policy: 'moderate',
    request_expires_at: start,
    idempotency_key: randomUUID(),
    request_hash: 'test',
    captured_minor: money.captured,
    refunded_minor: money.refunded ?? 0,
    paid_out_minor: money.paidOut ?? 0,
  });
  return id;
}

describe('tutor earnings', () => {
  it('totals pending, paid out, refunded and reversed money by currency and month', async () => {
    const tutor = await bookableTutor(db(), config(), { instant: true });
    const learner = await student(db(), config());
    // A real instant booking: captured at once, the tutor's share pending until the payout.
    const booked = await requestBooking(stack.api, learner, { tutorId: tutor.id, start: slotInDays(2), lengthMinutes: 60, paymentMethodId: TEST_CARD });
    expect(booked.body).toMatchObject({ status: 'SCHEDULED', capturedMinor: 6_000 });
    await lessonRow(tutor.id, learner.id, { status: 'ENDED', captured: 4_000, paidOut: 3_400 });
    const reversedId = await lessonRow(tutor.id, learner.id, { status: 'ENDED', captured: 2_000, refunded: 2_000, paidOut: 1_700 });
    await db()('booking_events').insert({ booking_id: reversedId, type: 'payout.reversed', at: new Date(), actor: 'admin', dedupe_key: 'refund-admin-1', data: { amountMinor: 1_700 } });
    await lessonRow(tutor.id, learner.id, { status: 'CANCELLED', captured: 3_000, refunded: 3_000 });
    await lessonRow(tutor.id, learner.id, { status: 'ENDED', captured: 1_000, currency: 'USD' });

    const response = await call(stack.api, 'GET', '/api/me/earnings', tutor);
    expect(response.status).toBe(200);
    const body = response.body as { months: { month: string; currency: string; pendingMinor: number; paidOutMinor: number }[]; totals: unknown[] };
    expect(body.totals).toEqual([
      // 6000 captured → 5100 pending (15% commission); 3400 + 1700 paid out; 2000 + 3000 refunded; 1700 reversed.
      { currency: 'EUR', lessons: 4, pendingMinor: 5_100, paidOutMinor: 5_100, refundedMinor: 5_000, reversedMinor: 1_700 },
      { currency: 'USD', lessons: 1, pendingMinor: 850, paidOutMinor: 0, refundedMinor: 0, reversedMinor: 0 },
    ]);
    const eur = body.months.filter((line) => line.currency === 'EUR');
    expect(eur.reduce((sum, line) => sum + line.pendingMinor, 0)).toBe(5_100);
    expect(eur.every((line) => /^\d{4}-\d{2}$/.test(line.month))).toBe(true);

    expect((await call(stack.api, 'GET', '/api/me/earnings', learner)).status).toBe(403);
    const newcomer = await bookableTutor(db(), config());
    expect((await call(stack.api, 'GET', '/api/me/earnings', newcomer)).body).toEqual({ months: [], totals: [] });
  });
});

describe('payout onboarding and the Express dashboard', () => {
  it('refuses the dashboard link until Stripe onboarding is finished, as Stripe does', async () => {
    const tutor = await createTestTutor(db(), config(), { hourlyRateMinor: 5_000, currency: 'EUR', lessonLengths: [60] });
    expect((await call(stack.api, 'POST', '/api/me/payouts/dashboard-link', tutor)).status).toBe(409);
    const onboarding = await call(stack.api, 'POST', '/api/me/payouts/onboarding', tutor, {});
    const { accountId } = onboarding.body as { accountId: string };
    const refused = await call(stack.api, 'POST', '/api/me/payouts/dashboard-link', tutor);
    expect(refused.status).toBe(409);
    expect((refused.body as { detail: string }).detail).toMatch(/onboarding/);
    expect(stack.stripe.requests({ method: 'POST', path: `/v1/accounts/${accountId}/login_links` }).at(-1)?.status).toBe(400);

    stack.stripe.onboardAccount(accountId);
    const link = await call(stack.api, 'POST', '/api/me/payouts/dashboard-link', tutor);
    expect(link.status).toBe(201);
    expect((link.body as { url: string }).url).toMatch(/^https:\/\//);
    expect((await call(stack.api, 'POST', '/api/me/payouts/dashboard-link', await student(db(), config()))).status).toBe(403);
  });

  it('sends Stripe refresh and return URLs on the API that make a fresh link and read the account again', async () => {
    const tutor = await createTestTutor(db(), config(), { hourlyRateMinor: 5_000, currency: 'EUR', lessonLengths: [60] });
    const { accountId } = (await call(stack.api, 'POST', '/api/me/payouts/onboarding', tutor, {})).body as { accountId: string };
    const sent = stack.stripe.requests({ method: 'POST', path: '/v1/account_links' }).filter((request) => request.body.account === accountId).at(-1)!.body as { refresh_url: string; return_url: string };
    expect(sent.refresh_url.startsWith(`${config().http.publicBaseUrl}/api/payouts/onboarding/refresh?state=`)).toBe(true);
    const local = (url: string) => url.replace(config().http.publicBaseUrl, stack.api.baseUrl);

    const linksBefore = stack.stripe.requests({ method: 'POST', path: '/v1/account_links' }).length;
    const refreshed = await fetch(local(sent.refresh_url), { redirect: 'manual' });
    expect(refreshed.status).toBe(303);
    expect(refreshed.headers.get('location')).toMatch(/^https:\/\//);
    expect(stack.stripe.requests({ method: 'POST', path: '/v1/account_links' }).length).toBe(linksBefore + 1);

    const forged = await fetch(local(sent.refresh_url.replace(/state=.{4}/, 'state=AAAA')), { redirect: 'manual' });
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toBe(`${config().email.frontendBaseUrl}/payouts/onboarding/refresh`);

    expect((await call(stack.api, 'GET', '/api/me/payouts', tutor)).body).toMatchObject({ accountId, payoutsEnabled: false });
    stack.stripe.onboardAccount(accountId);
    const back = await fetch(local(sent.return_url), { redirect: 'manual' });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`${config().email.frontendBaseUrl}/payouts/onboarding/return`);
    // Read again from Stripe on the way back: no need to wait for the account.updated webhook.
    expect((await call(stack.api, 'GET', '/api/me/payouts', tutor)).body).toMatchObject({ accountId, payoutsEnabled: true });
  });
});

describe('student receipts', () => {
  it('shows what was captured and each refund with its date, to the student only', async () => {
    const tutor = await bookableTutor(db(), config(), { instant: true, cancellationPolicy: 'flexible' });
    const learner = await student(db(), config());
    const booked = await requestBooking(stack.api, learner, { tutorId: tutor.id, start: slotInDays(5), lengthMinutes: 30, paymentMethodId: TEST_CARD });
    const { bookingId } = booked.body as { bookingId: string };
    const cancelled = await call(stack.api, 'POST', `/api/bookings/${bookingId}/cancel`, learner, { reason: 'Plans changed' });
    expect(cancelled.status).toBe(200);

    const receipt = await eventually(
      () => call(stack.api, 'GET', `/api/bookings/${bookingId}/receipt`, learner),
      (response) => (response.body as { refunds?: unknown[] }).refunds?.length === 1,
    );
    expect(receipt.body).toMatchObject({ bookingId, currency: 'EUR', priceMinor: 3_000, capturedMinor: 3_000, refundedMinor: 3_000, paidMinor: 0, status: 'CANCELLED' });
    const body = receipt.body as { capturedAt: string; refunds: { amountMinor: number; at: string; reason: string | null }[] };
    expect(Date.parse(body.capturedAt)).toBeGreaterThan(0);
    expect(body.refunds[0]).toMatchObject({ amountMinor: 3_000 });
    expect(Date.parse(body.refunds[0]!.at)).toBeGreaterThanOrEqual(Date.parse(body.capturedAt));

    expect((await call(stack.api, 'GET', `/api/bookings/${bookingId}/receipt`, tutor)).status).toBe(404);
    expect((await call(stack.api, 'GET', `/api/bookings/${bookingId}/receipt`, await student(db(), config()))).status).toBe(404);
    const admin = await createTestUser(db(), config(), 'admin');
    const adminReceipt = await call(stack.api, 'GET', `/api/bookings/${bookingId}/receipt`, admin);
    expect(adminReceipt.status).toBe(200);
    // What the tutor was paid from each charge is for admins; the student's receipt leaves it out.
    expect(adminReceipt.body.payments[0]).toMatchObject({ transferId: null, transferredMinor: 0, reversedMinor: 0 });
    const studentPayment = receipt.body.payments[0] as Record<string, unknown>;
    expect(studentPayment).toMatchObject({ capturedMinor: 3_000, refundedMinor: 3_000 });
    expect(Object.keys(studentPayment)).not.toEqual(expect.arrayContaining(['transferId']));
    expect(studentPayment).not.toHaveProperty('transferredMinor');
  });
});

describe('removing a saved card', () => {
  it('refuses while the card holds a lesson’s payment or pays a live series, and detaches it otherwise', async () => {
    const tutor = await bookableTutor(db(), config());
    const learner = await student(db(), config(), ['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex']);
    const requested = await requestBooking(stack.api, learner, { tutorId: tutor.id, start: slotInDays(3), lengthMinutes: 60, paymentMethodId: 'pm_card_visa' });
    expect(requested.body).toMatchObject({ status: 'REQUESTED', paymentStatus: 'authorized' });
    const held = await call(stack.api, 'DELETE', '/api/me/payment-methods/pm_card_visa', learner);
    expect(held.status).toBe(409);
    expect(held.body).toMatchObject({ conflict: 'open_hold', bookingId: (requested.body as { bookingId: string }).bookingId });

    const series = await call(stack.api, 'POST', '/api/series', learner, { tutorId: tutor.id, start: slotInDays(20), lengthMinutes: 60, weeks: 2, paymentMethodId: 'pm_card_amex' }, { 'Idempotency-Key': randomUUID() });
    expect(series.status).toBe(201);
    expect((await call(stack.api, 'DELETE', '/api/me/payment-methods/pm_card_amex', learner)).body).toMatchObject({ conflict: 'live_series' });

    expect((await call(stack.api, 'DELETE', '/api/me/payment-methods/pm_card_mastercard', learner)).status).toBe(204);
    expect(stack.stripe.requests({ method: 'POST', path: '/v1/payment_methods/pm_card_mastercard/detach' })).toHaveLength(1);
    // Gone: it can no longer pay for a lesson, nor be removed again.
    expect((await requestBooking(stack.api, learner, { tutorId: tutor.id, start: slotInDays(4), lengthMinutes: 60, paymentMethodId: 'pm_card_mastercard' })).status).toBe(422);
    expect((await call(stack.api, 'DELETE', '/api/me/payment-methods/pm_card_mastercard', learner)).status).toBe(404);
    expect((await call(stack.api, 'DELETE', '/api/me/payment-methods/pm_card_visa', await student(db(), config(), []))).status).toBe(404);
  });
});
