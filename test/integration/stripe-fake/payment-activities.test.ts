/**
 * The booking's real payment activities against the strict Stripe fake: what Stripe refuses reaches
 * the workflow as the failure its policy branches on (a decline is a result; a refusal of the state
 * or of an amount is a non-retryable StripeInvalidRequest, never an endless retry), and what an
 * earlier attempt already did is recognised. No fault is injected: these are Stripe's own answers.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentActivities, type PaymentActivities } from '../../../activities/booking/payments.js';
import { FAILURE_TYPES, type AuthorizeInput } from '../../../activities/booking/types.js';
import { BookingPaymentRepository } from '../../../db/repositories/booking-payment-repository.js';
import { StudentProfileRepository } from '../../../db/repositories/student-profile-repository.js';
import { TutorProfileRepository } from '../../../db/repositories/tutor-profile-repository.js';
import { UserRepository } from '../../../db/repositories/user-repository.js';
import { createStripeClient } from '../../../integrations/stripe.js';
import { failureOf, runActivity } from '../booking-activities/support.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { testConfig } from '../../support/harness.js';
import { startStripeRecorder, type StripeRecorder } from '../../support/stripe-recorder.js';

let recorder: StripeRecorder;
let database: TestDatabase;
let activities: PaymentActivities;
let student: TestUser;

beforeAll(async () => {
  recorder = await startStripeRecorder();
  database = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: database.url, STRIPE_API_BASE: recorder.url });
  const studentProfiles = new StudentProfileRepository(database.db);
  activities = createPaymentActivities({
    stripe: createStripeClient(config.stripe),
    users: new UserRepository(database.db),
    studentProfiles,
    tutorProfiles: new TutorProfileRepository(database.db),
    bookingPayments: new BookingPaymentRepository(database.db),
  });
  student = await createTestUser(database.db, config, 'student');
  await studentProfiles.ensure(student.id, 'UTC');
  await studentProfiles.setStripeCustomerIfAbsent(student.id, 'cus_strict_student');
});
afterAll(async () => {
  await recorder?.close();
  await database?.drop();
});

const authorizeInput = (bookingId: string, paymentMethodId = 'pm_card_visa'): AuthorizeInput => ({ bookingId, studentId: student.id, amountMinor: 2_250, currency: 'EUR', paymentMethodId });

async function captured(): Promise<{ bookingId: string; paymentIntentId: string; chargeId: string }> {
  const bookingId = randomUUID();
  const { paymentIntentId } = await runActivity(activities.authorizePayment, authorizeInput(bookingId));
  const { chargeId } = await runActivity(activities.capturePayment, { bookingId, paymentIntentId });
  return { bookingId, paymentIntentId, chargeId };
}

/** A non-retryable StripeInvalidRequest failure carrying Stripe's code. */
function expectPermanentRefusal(failure: unknown, code: string): void {
  expect(failure).toBeInstanceOf(ApplicationFailure);
  const { type, nonRetryable, details } = failure as ApplicationFailure;
  expect({ type, nonRetryable, code: (details?.[0] as { code?: string } | undefined)?.code }).toEqual({ type: FAILURE_TYPES.invalidRequest, nonRetryable: true, code });
}

describe('authorizePayment with test cards', () => {
  it('turns a declining card into a failed result naming the declined PaymentIntent', async () => {
    const bookingId = randomUUID();
    const result = await runActivity(activities.authorizePayment, authorizeInput(bookingId, 'pm_card_chargeDeclinedInsufficientFunds'));
    const [intent] = recorder.state().paymentIntents.filter((entry) => entry.metadata.bookingId === bookingId);
    expect(result).toEqual({ paymentIntentId: intent!.id, status: 'failed', failureMessage: 'Your card has insufficient funds.' });
    expect(recorder.money(bookingId)).toMatchObject({ held: 0, captured: 0 });
  });

  it('hands a 3-D Secure card to the student with the client secret', async () => {
    const bookingId = randomUUID();
    const result = await runActivity(activities.authorizePayment, authorizeInput(bookingId, 'pm_card_threeDSecure2Required'));
    expect(result).toMatchObject({ status: 'requires_action', clientSecret: expect.stringMatching(/_secret_/) });
  });
});

describe('an authorization that expired', () => {
  it('cannot be captured: a permanent refusal, and nothing captured', async () => {
    const bookingId = randomUUID();
    const { paymentIntentId } = await runActivity(activities.authorizePayment, authorizeInput(bookingId));
    recorder.expireAuthorization(paymentIntentId);
    expectPermanentRefusal(await failureOf(activities.capturePayment, { bookingId, paymentIntentId }), 'payment_intent_unexpected_state');
    expect(recorder.money(bookingId)).toMatchObject({ held: 0, captured: 0 });
  });

  it('counts as released', async () => {
    const bookingId = randomUUID();
    const { paymentIntentId } = await runActivity(activities.authorizePayment, authorizeInput(bookingId));
    recorder.expireAuthorization(paymentIntentId);
    await runActivity(activities.releasePayment, { bookingId, paymentIntentId });
    expect(recorder.money(bookingId)).toMatchObject({ held: 0, captured: 0 });
  });
});

describe('amounts Stripe refuses', () => {
  it('a refund above what remains is a permanent refusal; what remains can still be refunded', async () => {
    const { bookingId, paymentIntentId } = await captured();
    await runActivity(activities.refundPayment, { bookingId, paymentIntentId, amountMinor: 500, step: 'refund-admin-1', reason: 'goodwill' });
    const failure = await failureOf(activities.refundPayment, { bookingId, paymentIntentId, amountMinor: 2_250, step: 'refund-cancel', reason: 'cancelled' });
    expectPermanentRefusal(failure, 'amount_too_large');
    await runActivity(activities.refundPayment, { bookingId, paymentIntentId, amountMinor: 1_750, step: 'refund-cancel', reason: 'cancelled' });
    expect(recorder.money(bookingId)).toMatchObject({ captured: 2_250, refunded: 2_250 });
  });

  it('a refund step run again after Stripe forgot its key finds the refund it made', async () => {
    const { bookingId, paymentIntentId } = await captured();
    const input = { bookingId, paymentIntentId, amountMinor: 2_250, step: 'refund-cancel', reason: 'cancelled' };
    const first = await runActivity(activities.refundPayment, input);
    recorder.forgetIdempotencyKeys();
    expect(await runActivity(activities.refundPayment, input)).toEqual(first);
    expect(recorder.money(bookingId).refunded).toBe(2_250);
  });

  it('a payout above the captured charge, and a reversal above the transfer, are permanent refusals', async () => {
    const { bookingId, chargeId } = await captured();
    const payout = { bookingId, chargeId, tutorAccountId: 'acct_tutor', currency: 'EUR' };
    expectPermanentRefusal(await failureOf(activities.payoutTutor, { ...payout, amountMinor: 2_251 }), 'amount_too_large');
    const { transferId } = await runActivity(activities.payoutTutor, { ...payout, amountMinor: 1_800 });
    expectPermanentRefusal(await failureOf(activities.reverseTransfer, { bookingId, transferId, amountMinor: 1_801, step: 'reversal-admin-1' }), 'amount_too_large');
    await runActivity(activities.reverseTransfer, { bookingId, transferId, amountMinor: 1_800, step: 'reversal-admin-1' });
    expect(recorder.money(bookingId)).toMatchObject({ transferred: 1_800, reversed: 1_800 });
  });
});
