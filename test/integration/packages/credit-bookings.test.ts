/**
 * Lessons paid with a package's credit, and trial lessons, through the API on the real Temporal dev
 * server with a real worker: the races (two bookings for the last credit, two trial requests at
 * once: one wins, the other is a 409 problem+json), a credit returned when the request is declined,
 * a credit forfeited by a late cancellation and paid to the tutor from the package's charge after
 * the payout hold (Stripe, Postgres and both workflows agreeing), and a free trial without any
 * PaymentIntent.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student } from '../../support/booking-stack.js';

let stack: BookingStack;
let tutor: TestUser;
let offerId: string;

beforeAll(async () => {
  stack = await startBookingStack();
  await stack.startWorker();
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config);
  const offer = await call(stack.api, 'POST', '/api/me/package-offers', tutor, { lessons: 2, lengthMinutes: 60, discountPercent: 10 });
  expect(offer.status, JSON.stringify(offer.body)).toBe(201);
  offerId = offer.body.id;
}, 120_000);
afterAll(() => stack?.close());

/** A student who bought one package of 2 × 60 min (10 800, so each credit is worth 5 400). */
async function studentWithPackage(): Promise<{ user: TestUser; packageId: string }> {
  const user = await student(stack.api.container.resources.db, stack.api.config);
  const bought = await call(stack.api, 'POST', '/api/packages', user, { offerId, paymentMethodId: 'pm_card_visa' }, { 'Idempotency-Key': randomUUID() });
  expect(bought.status, JSON.stringify(bought.body)).toBe(201);
  return { user, packageId: bought.body.id };
}

const withCredit = (start: string) => ({ tutorId: tutor.id, start, lengthMinutes: 60, payWith: 'credit' });
const packageOf = (user: TestUser, packageId: string) => call(stack.api, 'GET', `/api/packages/${packageId}`, user);
const ledger = (body: { entries: { kind: string; credits: number }[] }) => body.entries.map((entry) => `${entry.kind} ${entry.credits}`);

/** A slot on the 30-minute grid a few hours from now: inside every policy's no-refund tier. */
function slotInHours(hours: number): string {
  const step = 30 * 60_000;
  return new Date(Math.ceil((Date.now() + hours * 3_600_000) / step) * step).toISOString();
}

describe('booking with a credit', () => {
  it('lets one of two bookings racing for the last credit win; the other is a 409 no_credit', async () => {
    const { user, packageId } = await studentWithPackage();
    const first = await requestBooking(stack.api, user, withCredit(slotInDays(10)));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ status: 'REQUESTED', paymentStatus: 'authorized', capturedMinor: 0 });

    const race = await Promise.all([requestBooking(stack.api, user, withCredit(slotInDays(11))), requestBooking(stack.api, user, withCredit(slotInDays(12)))]);
    expect(race.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const lost = race.find((answer) => answer.status === 409)!;
    expect(lost.headers.get('content-type')).toContain('application/problem+json');
    expect(lost.body).toMatchObject({ conflict: 'no_credit' });

    const pkg = await packageOf(user, packageId);
    expect(pkg.body.creditsLeft).toBe(0);
    expect(ledger(pkg.body)).toEqual(['purchase 2', 'consume -1', 'consume -1']);
    expect((await call(stack.api, 'GET', '/api/me/credits', user)).body.items).toEqual([]);
    // No card was held for either lesson.
    for (const answer of [first, race.find((candidate) => candidate.status === 201)!]) expect(stack.stripe.money(answer.body.bookingId).paymentIntentIds).toEqual([]);
  });

  it('gives the credit back when the tutor declines the request', async () => {
    const { user, packageId } = await studentWithPackage();
    const booked = await requestBooking(stack.api, user, withCredit(slotInDays(13)));
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const declined = await call(stack.api, 'POST', `/api/bookings/${booked.body.bookingId}/decline`, tutor, { reason: 'away' });
    expect(declined.body).toMatchObject({ status: 'DECLINED', paymentStatus: 'released' });
    const pkg = await eventually(
      () => packageOf(user, packageId),
      (answer) => answer.body.creditsLeft === 2,
    );
    expect(ledger(pkg.body)).toEqual(['purchase 2', 'consume -1', 'return 1']);
  });

  it('forfeits the credit of a late cancellation and pays the tutor from the package’s charge after the hold', async () => {
    const { user, packageId } = await studentWithPackage();
    const booked = await requestBooking(stack.api, user, withCredit(slotInHours(3)));
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const bookingId: string = booked.body.bookingId;
    expect((await call(stack.api, 'POST', `/api/bookings/${bookingId}/accept`, tutor, {})).body).toMatchObject({ status: 'SCHEDULED', paymentStatus: 'captured', capturedMinor: 5_400 });
    const cancelled = await call(stack.api, 'POST', `/api/bookings/${bookingId}/cancel`, user, { reason: 'something came up' });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', refundedMinor: 0 });

    // After BOOKING_PAYOUT_HOLD the package's workflow transfers the tutor's share: 5 400 less 15 %.
    const paid = await eventually(
      () => packageOf(user, packageId),
      (answer) => answer.body.paidOutMinor > 0,
    );
    expect(paid.body).toMatchObject({ paidOutMinor: 4_590, refundedMinor: 0, capturedMinor: 10_800, creditsLeft: 1 });
    const stripe = stack.stripe.state();
    const charge = stripe.paymentIntents.find((intent) => intent.metadata.packageId === packageId)!;
    const transfers = stripe.transfers.filter((transfer) => transfer.transferGroup === packageId);
    expect(transfers).toEqual([expect.objectContaining({ amount: 4_590, sourceTransaction: charge.chargeId, destination: expect.stringMatching(/^acct_/) })]);
    expect(stack.stripe.requests({ method: 'POST', path: '/v1/transfers' }).filter((request) => request.idempotencyKey === `${packageId}:payout-${bookingId}`)).toHaveLength(1);
    const booking = await eventually(
      () => call(stack.api, 'GET', `/api/bookings/${bookingId}`, user),
      (answer) => answer.body.paymentStatus === 'paid_out',
    );
    expect(booking.body).toMatchObject({ status: 'CANCELLED', capturedMinor: 5_400, paidOutMinor: 4_590 });
  });

  it('keeps a credit lesson’s length on reschedule (422), refuses another length (409) and a card booking without a card (400)', async () => {
    const { user } = await studentWithPackage();
    const booked = await requestBooking(stack.api, user, withCredit(slotInDays(15)));
    expect((await call(stack.api, 'POST', `/api/bookings/${booked.body.bookingId}/accept`, tutor, {})).body).toMatchObject({ status: 'SCHEDULED' });
    const longer = await call(stack.api, 'POST', `/api/bookings/${booked.body.bookingId}/reschedule`, user, { start: slotInDays(16), lengthMinutes: 30 });
    expect(longer.status).toBe(422);
    expect(longer.body.rule).toBe('length_fixed');
    const moved = await call(stack.api, 'POST', `/api/bookings/${booked.body.bookingId}/reschedule`, user, { start: slotInDays(16), lengthMinutes: 60 });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const other = await requestBooking(stack.api, user, { ...withCredit(slotInDays(14)), lengthMinutes: 30 });
    expect(other.status).toBe(409);
    expect(other.body.conflict).toBe('no_credit');
    expect((await requestBooking(stack.api, user, { tutorId: tutor.id, start: slotInDays(14), lengthMinutes: 60 })).status).toBe(400);
  });
});

describe('how a lesson was paid', () => {
  it('shows paidWith (card, credit with its package, trial) on the booking and in the booking list', async () => {
    const { user, packageId } = await studentWithPackage();
    await call(stack.api, 'PUT', '/api/me/trial-offer', tutor, { lengthMinutes: 60, priceMinor: 0 });
    const card = await requestBooking(stack.api, user, { tutorId: tutor.id, start: slotInDays(20), lengthMinutes: 60, paymentMethodId: 'pm_card_visa' });
    const credit = await requestBooking(stack.api, user, withCredit(slotInDays(21)));
    const trial = await requestBooking(stack.api, user, { tutorId: tutor.id, start: slotInDays(22), lengthMinutes: 60, payWith: 'trial' });
    for (const answer of [card, credit, trial]) expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    await call(stack.api, 'DELETE', '/api/me/trial-offer', tutor);

    const expected = {
      [card.body.bookingId]: { paidWith: 'card', packageId: null },
      [credit.body.bookingId]: { paidWith: 'credit', packageId },
      [trial.body.bookingId]: { paidWith: 'trial', packageId: null },
    };
    for (const [bookingId, paid] of Object.entries(expected)) {
      expect((await call(stack.api, 'GET', `/api/bookings/${bookingId}`, user)).body).toMatchObject({ id: bookingId, ...paid });
    }
    const list = await call(stack.api, 'GET', '/api/bookings', user);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const listed = Object.fromEntries((list.body.items as { id: string; paidWith: string; packageId: string | null }[]).map((item) => [item.id, { paidWith: item.paidWith, packageId: item.packageId }]));
    expect(listed).toEqual(expected);
  });
});

describe('trial lessons', () => {
  it('books one free trial per student and tutor, without a card; two trial requests at once make one', async () => {
    const { db } = stack.api.container.resources;
    const trialTutor = await bookableTutor(db, stack.api.config);
    const offer = await call(stack.api, 'PUT', '/api/me/trial-offer', trialTutor, { lengthMinutes: 30, priceMinor: 0 });
    expect(offer.status, JSON.stringify(offer.body)).toBe(200);
    const pupil = await student(db, stack.api.config);
    expect((await call(stack.api, 'GET', `/api/tutors/${trialTutor.id}/trial-offer`, pupil)).body).toMatchObject({ lengthMinutes: 30, priceMinor: 0, available: true });

    const trial = (start: string) => ({ tutorId: trialTutor.id, start, lengthMinutes: 30, payWith: 'trial' });
    const race = await Promise.all([requestBooking(stack.api, pupil, trial(slotInDays(5))), requestBooking(stack.api, pupil, trial(slotInDays(6)))]);
    expect(race.map((answer) => answer.status).sort()).toEqual([201, 409]);
    expect(race.find((answer) => answer.status === 409)!.body).toMatchObject({ conflict: 'trial_used' });
    const won = race.find((answer) => answer.status === 201)!;
    expect(won.body).toMatchObject({ status: 'REQUESTED', paymentStatus: 'authorized', capturedMinor: 0 });
    expect(stack.stripe.money(won.body.bookingId).paymentIntentIds).toEqual([]);

    // Accepted, a free lesson captures nothing (Stripe refuses a PaymentIntent of 0).
    const accepted = await call(stack.api, 'POST', `/api/bookings/${won.body.bookingId}/accept`, trialTutor, {});
    expect(accepted.body).toMatchObject({ status: 'SCHEDULED', paymentStatus: 'captured', capturedMinor: 0 });
    expect(stack.stripe.money(won.body.bookingId)).toMatchObject({ paymentIntentIds: [], captured: 0 });
    expect((await call(stack.api, 'GET', `/api/tutors/${trialTutor.id}/trial-offer`, pupil)).body.available).toBe(false);
    expect((await requestBooking(stack.api, pupil, trial(slotInDays(7)))).status).toBe(409);
  });

  it('holds the card for the trial’s price when it is not free, and refuses another length', async () => {
    const { db } = stack.api.container.resources;
    const trialTutor = await bookableTutor(db, stack.api.config);
    await call(stack.api, 'PUT', '/api/me/trial-offer', trialTutor, { lengthMinutes: 30, priceMinor: 1_000 });
    const pupil = await student(db, stack.api.config);
    const wrong = await requestBooking(stack.api, pupil, { tutorId: trialTutor.id, start: slotInDays(5), lengthMinutes: 60, payWith: 'trial', paymentMethodId: 'pm_card_visa' });
    expect(wrong.status).toBe(422);
    const booked = await requestBooking(stack.api, pupil, { tutorId: trialTutor.id, start: slotInDays(5), lengthMinutes: 30, payWith: 'trial', paymentMethodId: 'pm_card_visa' });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(stack.stripe.money(booked.body.bookingId)).toMatchObject({ held: 1_000 });
  });

  it('gives the trial back when the tutor declines the request', async () => {
    const { db } = stack.api.container.resources;
    const trialTutor = await bookableTutor(db, stack.api.config);
    await call(stack.api, 'PUT', '/api/me/trial-offer', trialTutor, { lengthMinutes: 30, priceMinor: 0 });
    const pupil = await student(db, stack.api.config);
    const trial = (start: string) => ({ tutorId: trialTutor.id, start, lengthMinutes: 30, payWith: 'trial' });
    const first = await requestBooking(stack.api, pupil, trial(slotInDays(5)));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await call(stack.api, 'GET', `/api/tutors/${trialTutor.id}/trial-offer`, pupil)).body.available).toBe(false);

    const declined = await call(stack.api, 'POST', `/api/bookings/${first.body.bookingId}/decline`, trialTutor, { reason: 'away' });
    expect(declined.body).toMatchObject({ status: 'DECLINED' });
    const offer = await eventually(() => call(stack.api, 'GET', `/api/tutors/${trialTutor.id}/trial-offer`, pupil), (answer) => answer.body.available === true);
    expect(offer.body.available).toBe(true);
    const again = await requestBooking(stack.api, pupil, trial(slotInDays(6)));
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect((await requestBooking(stack.api, pupil, trial(slotInDays(7)))).body).toMatchObject({ conflict: 'trial_used' });
  });
});

describe('a trial request nobody answers', () => {
  let quick: BookingStack;
  beforeAll(async () => {
    // The request TTL compressed to seconds, so the request expires through the real timers.
    quick = await startBookingStack({ BOOKING_REQUEST_TTL: '3s' });
    await quick.startWorker();
  }, 120_000);
  afterAll(() => quick?.close());

  it('gives the trial back when the request expires', async () => {
    const { db } = quick.api.container.resources;
    const trialTutor = await bookableTutor(db, quick.api.config);
    await call(quick.api, 'PUT', '/api/me/trial-offer', trialTutor, { lengthMinutes: 30, priceMinor: 0 });
    const pupil = await student(db, quick.api.config);
    const trial = (start: string) => ({ tutorId: trialTutor.id, start, lengthMinutes: 30, payWith: 'trial' });
    const requested = await requestBooking(quick.api, pupil, trial(slotInDays(2)));
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const expired = await eventually(() => call(quick.api, 'GET', `/api/bookings/${requested.body.bookingId}`, pupil), (answer) => answer.body.status === 'EXPIRED', 30_000);
    expect(expired.body).toMatchObject({ status: 'EXPIRED', paidWith: 'trial' });
    expect((await call(quick.api, 'GET', `/api/tutors/${trialTutor.id}/trial-offer`, pupil)).body.available).toBe(true);
    expect((await requestBooking(quick.api, pupil, trial(slotInDays(3)))).status).toBe(201);
  });
});
