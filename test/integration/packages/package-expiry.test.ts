/**
 * A package's expiry on the real stack, with PACKAGE_EXPIRY compressed to seconds: the reminder
 * email, the pro rata refund of the unused credit at expiry (Stripe and the ledger agree), no
 * booking with a credit afterwards, and a lesson booked before expiry whose credit comes back after
 * it: refunded pro rata too, after which the package's workflow completes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageSnapshot } from '../../../workflows/package/definitions.js';
import { packageWorkflowId } from '../../../workflows/package/definitions.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student } from '../../support/booking-stack.js';
import type { TestUser } from '../../support/fixtures.js';

let stack: BookingStack;
let tutor: TestUser;

beforeAll(async () => {
  stack = await startBookingStack({ PACKAGE_EXPIRY: '10s', PACKAGE_EXPIRY_REMINDERS: '6s' });
  await stack.startWorker();
  tutor = await bookableTutor(stack.api.container.resources.db, stack.api.config);
}, 120_000);
afterAll(() => stack?.close());

describe('package expiry', () => {
  it('reminds, refunds the unused credit pro rata at expiry, and refunds a credit returned after it', async () => {
    const { db, temporal } = stack.api.container.resources;
    const offer = await call(stack.api, 'POST', '/api/me/package-offers', tutor, { lessons: 2, lengthMinutes: 60, discountPercent: 10 });
    const pupil = await student(db, stack.api.config);
    const bought = await call(stack.api, 'POST', '/api/packages', pupil, { offerId: offer.body.id, paymentMethodId: 'pm_card_visa' }, { 'Idempotency-Key': randomUUID() });
    expect(bought.status, JSON.stringify(bought.body)).toBe(201);
    const packageId: string = bought.body.id;
    const booked = await requestBooking(stack.api, pupil, { tutorId: tutor.id, start: slotInDays(20), lengthMinutes: 60, payWith: 'credit' });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);

    const expired = await eventually(
      () => call(stack.api, 'GET', `/api/packages/${packageId}`, pupil),
      (answer) => answer.body.status === 'expired' && answer.body.refundedMinor > 0,
      30_000,
    );
    // One credit of two unused: half the price back; the booked lesson's credit is not unused.
    expect(expired.body).toMatchObject({ capturedMinor: 10_800, refundedMinor: 5_400, creditsLeft: 0 });
    expect(expired.body.entries.map((entry: { kind: string; credits: number }) => `${entry.kind} ${entry.credits}`)).toEqual(['purchase 2', 'consume -1', 'expire -1']);
    const intent = () => stack.stripe.state().paymentIntents.find((candidate) => candidate.metadata.packageId === packageId)!;
    expect(intent().refunds).toEqual([expect.objectContaining({ amount: 5_400, idempotencyKey: `${packageId}:refund-expire-${packageId}` })]);
    const reminders = await db('email_outbox').where('dedupe_key', 'like', `package:${packageId}:expiry-reminder-%`).select('template');
    expect(reminders.map((row: { template: string }) => row.template)).toEqual(['package-expiring']);

    const afterExpiry = await requestBooking(stack.api, pupil, { tutorId: tutor.id, start: slotInDays(21), lengthMinutes: 60, payWith: 'credit' });
    expect(afterExpiry.status).toBe(409);

    // The lesson booked before expiry is declined: its credit cannot be used any more, so it is refunded.
    await call(stack.api, 'POST', `/api/bookings/${booked.body.bookingId}/decline`, tutor, { reason: 'away' });
    const final: PackageSnapshot = await temporal.client.workflow.getHandle(packageWorkflowId(packageId)).result();
    expect(final).toMatchObject({ status: 'expired', capturedMinor: 10_800, refundedMinor: 10_800, paidOutMinor: 0, settledLessons: 1 });
    expect(intent()).toMatchObject({ amountRefunded: 10_800 });
    const ledger = await eventually(
      () => call(stack.api, 'GET', `/api/packages/${packageId}`, pupil),
      (answer) => answer.body.refundedMinor === 10_800,
    );
    expect(ledger.body.entries.map((entry: { kind: string; credits: number }) => `${entry.kind} ${entry.credits}`)).toEqual(['purchase 2', 'consume -1', 'expire -1', 'return 1', 'expire -1']);

    // The receipt: both refunds with their dates and reasons; the lesson's credit came back, so none was used.
    const receipt = await call(stack.api, 'GET', `/api/packages/${packageId}/receipt`, pupil);
    expect(receipt.status, JSON.stringify(receipt.body)).toBe(200);
    expect(receipt.body).toMatchObject({ status: 'expired', priceMinor: 10_800, capturedMinor: 10_800, refundedMinor: 10_800, paidMinor: 0, creditsUsed: 0, creditsLeft: 0 });
    expect(receipt.body.refunds.map((refund: { amountMinor: number; credits: number; reason: string }) => [refund.amountMinor, refund.credits, refund.reason])).toEqual([
      [5_400, 1, 'expiry'],
      [5_400, 1, 'returned_after_expiry'],
    ]);
    expect(receipt.body.refunds.map((refund: { at: string }) => refund.at)).toEqual(ledger.body.entries.filter((entry: { kind: string }) => entry.kind === 'expire').map((entry: { at: string }) => entry.at));
  });
});
