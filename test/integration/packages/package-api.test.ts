/**
 * Lesson packages through the API, end to end on the real Temporal dev server with a real worker
 * (the real package activities against Postgres and the Stripe proxy): offers, the purchase (one
 * PaymentIntent captured, key `<packageId>:charge`), the credit ledger and balances, an admin's pro
 * rata refund, and the money agreeing across Stripe, Postgres and the workflow.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { bookableTutor, type BookingStack, call, eventually, startBookingStack, student } from '../../support/booking-stack.js';

let stack: BookingStack;
let tutor: TestUser;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
let offerId: string;

beforeAll(async () => {
  stack = await startBookingStack();
  await stack.startWorker();
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config);
  [alice, bob, admin] = await Promise.all([student(db, stack.api.config), student(db, stack.api.config, ['pm_card_visa', 'pm_card_chargeDeclined']), createTestUser(db, stack.api.config, 'admin')]);
  const offer = await call(stack.api, 'POST', '/api/me/package-offers', tutor, { lessons: 5, lengthMinutes: 60, discountPercent: 10 });
  expect(offer.status, JSON.stringify(offer.body)).toBe(201);
  offerId = offer.body.id;
}, 120_000);
afterAll(() => stack?.close());

const buy = (user: TestUser, key: string, paymentMethodId = 'pm_card_visa', offer = offerId) =>
  call(stack.api, 'POST', '/api/packages', user, { offerId: offer, paymentMethodId }, { 'Idempotency-Key': key });

describe('package offers', () => {
  it('prices N lessons at the tutor’s rate less the discount, lists and retires them', async () => {
    const listed = await call(stack.api, 'GET', `/api/tutors/${tutor.id}/package-offers`, undefined);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: offerId, lessons: 5, lengthMinutes: 60, discountPercent: 10, priceMinor: 27_000, currency: 'EUR', retired: false })]);

    const other = await call(stack.api, 'POST', '/api/me/package-offers', tutor, { lessons: 10, lengthMinutes: 30, discountPercent: 15 });
    expect(other.body).toMatchObject({ priceMinor: 25_500 });
    expect((await call(stack.api, 'POST', `/api/me/package-offers/${other.body.id}/retire`, bob)).status).toBe(404);
    expect((await call(stack.api, 'POST', `/api/me/package-offers/${other.body.id}/retire`, tutor)).body).toMatchObject({ retired: true });
    expect((await call(stack.api, 'GET', `/api/tutors/${tutor.id}/package-offers`, undefined)).body.items.map((item: { id: string }) => item.id)).toEqual([offerId]);
    expect((await buy(alice, randomUUID(), 'pm_card_visa', other.body.id)).status).toBe(404);

    expect((await call(stack.api, 'POST', '/api/me/package-offers', alice, { lessons: 5, lengthMinutes: 60, discountPercent: 10 })).status).toBe(403);
    expect((await call(stack.api, 'POST', '/api/me/package-offers', tutor, { lessons: 5, lengthMinutes: 45, discountPercent: 10 })).status).toBe(422);
  });
});

describe('buying a package', () => {
  it('charges the card once (captured, key <packageId>:charge) and grants the credits; the same key answers the same package', async () => {
    const key = randomUUID();
    const bought = await buy(alice, key);
    expect(bought.status, JSON.stringify(bought.body)).toBe(201);
    expect(bought.body).toMatchObject({ status: 'active', creditsLeft: 5, lessons: 5, priceMinor: 27_000, capturedMinor: 27_000, refundedMinor: 0 });
    const packageId: string = bought.body.id;

    const again = await buy(alice, key);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(packageId);
    expect((await buy(alice, key, 'pm_card_chargeDeclined')).status).toBe(422);

    const charges = stack.stripe.requests({ method: 'POST', path: '/v1/payment_intents' }).filter((request) => request.idempotencyKey === `${packageId}:charge`);
    expect(charges).toHaveLength(1);
    expect(charges[0]!.body).toMatchObject({ amount: '27000', currency: 'eur', capture_method: 'automatic', transfer_group: packageId });
    const intent = stack.stripe.state().paymentIntents.find((candidate) => candidate.metadata.packageId === packageId)!;
    expect(intent).toMatchObject({ status: 'succeeded', amountReceived: 27_000 });

    const detail = await call(stack.api, 'GET', `/api/packages/${packageId}`, alice);
    expect(detail.body.entries).toEqual([expect.objectContaining({ kind: 'purchase', credits: 5 })]);
    expect((await call(stack.api, 'GET', `/api/packages/${packageId}`, tutor)).status).toBe(200);
    expect((await call(stack.api, 'GET', `/api/packages/${packageId}`, bob)).status).toBe(404);
    expect((await call(stack.api, 'GET', '/api/me/credits', alice)).body.items).toEqual([{ tutorId: tutor.id, lengthMinutes: 60, credits: 5 }]);
    expect((await call(stack.api, 'GET', '/api/me/packages', tutor)).body.items.map((item: { id: string }) => item.id)).toContain(packageId);
  });

  it('answers 402 when the card is declined, and grants nothing', async () => {
    const declined = await buy(bob, randomUUID(), 'pm_card_chargeDeclined');
    expect(declined.status, JSON.stringify(declined.body)).toBe(402);
    expect(declined.headers.get('content-type')).toContain('application/problem+json');
    const packageId: string = declined.body.packageId;
    const detail = await call(stack.api, 'GET', `/api/packages/${packageId}`, bob);
    expect(detail.body).toMatchObject({ status: 'payment_failed', creditsLeft: 0, capturedMinor: 0, entries: [] });
    expect((await call(stack.api, 'GET', '/api/me/credits', bob)).body.items).toEqual([]);
    // Its workflow is over: an admin's refund or attention update is a 409, not a server error.
    const refund = await call(stack.api, 'POST', `/api/admin/packages/${packageId}/refunds`, admin, { reason: 'x' }, { 'Idempotency-Key': randomUUID() });
    expect(refund.status).toBe(409);
    expect((await call(stack.api, 'POST', `/api/admin/packages/${packageId}/attention`, admin, { action: 'close', reason: 'x' })).status).toBe(409);
  });

  it('refuses a card that is not the student’s', async () => {
    expect((await buy(alice, randomUUID(), 'pm_card_mastercard')).status).toBe(422);
  });
});

describe('an admin’s refund of unused credits', () => {
  it('refunds pro rata once per Idempotency-Key; Stripe, Postgres and the workflow agree', async () => {
    const bought = await buy(bob, randomUUID());
    const packageId: string = bought.body.id;
    const key = randomUUID();
    const refund = () => call(stack.api, 'POST', `/api/admin/packages/${packageId}/refunds`, admin, { reason: 'moved abroad' }, { 'Idempotency-Key': key });
    expect((await call(stack.api, 'POST', `/api/admin/packages/${packageId}/refunds`, bob, { reason: 'x' }, { 'Idempotency-Key': key })).status).toBe(403);
    const first = await refund();
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'refunded', capturedMinor: 27_000, refundedMinor: 27_000 });
    expect((await refund()).body).toMatchObject({ refundedMinor: 27_000 });
    const another = await call(stack.api, 'POST', `/api/admin/packages/${packageId}/refunds`, admin, { reason: 'again' }, { 'Idempotency-Key': randomUUID() });
    expect(another.status).toBe(409);

    const intent = stack.stripe.state().paymentIntents.find((candidate) => candidate.metadata.packageId === packageId)!;
    expect(intent.amountRefunded).toBe(27_000);
    expect(intent.refunds).toHaveLength(1);
    const row = await eventually(
      () => call(stack.api, 'GET', `/api/packages/${packageId}`, admin),
      (answer) => answer.body.refundedMinor === 27_000,
    );
    expect(row.body).toMatchObject({ status: 'refunded', creditsLeft: 0, capturedMinor: 27_000, refundedMinor: 27_000, paidOutMinor: 0 });
    expect(row.body.entries.map((entry: { kind: string; credits: number; amountMinor: number | null }) => [entry.kind, entry.credits, entry.amountMinor])).toEqual([
      ['purchase', 5, null],
      ['refund', -5, 27_000],
    ]);

    // The student's receipt (and an admin's view of it): the charge, the pro rata refund with its date, no credit used or left.
    const receipt = await call(stack.api, 'GET', `/api/packages/${packageId}/receipt`, bob);
    expect(receipt.status, JSON.stringify(receipt.body)).toBe(200);
    expect(receipt.body).toMatchObject({
      packageId,
      tutorName: tutor.displayName,
      lessons: 5,
      lengthMinutes: 60,
      status: 'refunded',
      currency: 'EUR',
      priceMinor: 27_000,
      capturedMinor: 27_000,
      refundedMinor: 27_000,
      refunds: [{ amountMinor: 27_000, credits: 5, reason: 'pro_rata', at: expect.any(String) }],
      paidMinor: 0,
      creditsUsed: 0,
      creditsLeft: 0,
    });
    expect(Date.parse(receipt.body.capturedAt)).toBeLessThanOrEqual(Date.parse(receipt.body.refunds[0].at));
    expect((await call(stack.api, 'GET', `/api/packages/${packageId}/receipt`, admin)).body).toEqual(receipt.body);
    // The tutor has earnings, not the student's receipt; another student gets nothing either.
    for (const outsider of [tutor, alice]) expect((await call(stack.api, 'GET', `/api/packages/${packageId}/receipt`, outsider)).status).toBe(404);
  });
});
