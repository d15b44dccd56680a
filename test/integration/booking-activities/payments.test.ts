/**
 * The booking's money activities against the test stack's stripe-mock, through the recording proxy:
 * what was sent (paths, amounts, capture method, transfer group, source transaction, destination,
 * idempotency keys `<bookingId>:<step>`), how Stripe's answers and failures are mapped, and that a
 * second run of a step makes no second charge, refund or transfer.
 *
 * stripe-mock keeps no state and never declines (a PaymentIntent confirmed with
 * pm_card_chargeDeclined comes back `requires_payment_method`, status 200); the recorder plays the
 * state a booking needs, and declines and outages are injected with failNext.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPaymentActivities, type PaymentActivities } from '../../../activities/booking/payments.js';
import { FAILURE_TYPES, type AuthorizeInput } from '../../../activities/booking/types.js';
import { BookingPaymentRepository } from '../../../db/repositories/booking-payment-repository.js';
import { StudentProfileRepository } from '../../../db/repositories/student-profile-repository.js';
import { TutorProfileRepository } from '../../../db/repositories/tutor-profile-repository.js';
import { UserRepository } from '../../../db/repositories/user-repository.js';
import { createStripeClient } from '../../../integrations/stripe.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { testConfig } from '../../support/harness.js';
import { cardDeclinedBody, startStripeRecorder, type StripeRecorder } from '../../support/stripe-recorder.js';
import { failureOf, runActivity } from './support.js';

const CUSTOMER_ID = 'cus_student_with_card';

let recorder: StripeRecorder;
let database: TestDatabase;
let activities: PaymentActivities;
let studentProfiles: StudentProfileRepository;
let student: TestUser;
let tutor: TestUser;

beforeAll(async () => {
  recorder = await startStripeRecorder();
  database = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: database.url, STRIPE_API_BASE: recorder.url });
  studentProfiles = new StudentProfileRepository(database.db);
  activities = createPaymentActivities({
    stripe: createStripeClient(config.stripe),
    users: new UserRepository(database.db),
    studentProfiles,
    tutorProfiles: new TutorProfileRepository(database.db),
    bookingPayments: new BookingPaymentRepository(database.db),
  });
  student = await createTestUser(database.db, config, 'student', { timeZone: 'Europe/Berlin' });
  tutor = await createTestUser(database.db, config, 'tutor');
  await studentProfiles.ensure(student.id, 'Europe/Berlin');
  await studentProfiles.setStripeCustomerIfAbsent(student.id, CUSTOMER_ID);
});

afterAll(async () => {
  await recorder?.close();
  await database?.drop();
});

beforeEach(() => {
  recorder.clear();
});

function authorizeInput(bookingId: string, overrides: Partial<AuthorizeInput> = {}): AuthorizeInput {
  return { bookingId, studentId: student.id, amountMinor: 4_500, currency: 'EUR', paymentMethodId: 'pm_card_visa', ...overrides };
}

/** A booking whose payment was authorized and captured, as the workflow has it after the accept. */
async function capturedBooking(): Promise<{ bookingId: string; paymentIntentId: string; chargeId: string }> {
  const bookingId = randomUUID();
  const { paymentIntentId } = await runActivity(activities.authorizePayment, authorizeInput(bookingId));
  const { chargeId } = await runActivity(activities.capturePayment, { bookingId, paymentIntentId });
  recorder.clear();
  return { bookingId, paymentIntentId, chargeId };
}

describe('authorizePayment', () => {
  it("places a manual-capture hold on the student's card, grouped and keyed by the booking", async () => {
    const bookingId = randomUUID();
    const result = await runActivity(activities.authorizePayment, authorizeInput(bookingId));

    const [create, ...others] = recorder.requests();
    expect(others).toEqual([]);
    expect(create).toMatchObject({
      method: 'POST',
      path: '/v1/payment_intents',
      idempotencyKey: `${bookingId}:authorize`,
      status: 200,
      body: {
        amount: '4500',
        currency: 'eur',
        customer: CUSTOMER_ID,
        payment_method: 'pm_card_visa',
        capture_method: 'manual',
        confirm: 'true',
        off_session: 'false',
        transfer_group: bookingId,
        metadata: { bookingId },
      },
    });
    expect(result).toEqual({ paymentIntentId: (create!.responseBody as { id: string }).id, status: 'authorized' });
  });

  it('run twice, sends the same idempotency key both times, so Stripe makes one hold', async () => {
    const bookingId = randomUUID();
    const first = await runActivity(activities.authorizePayment, authorizeInput(bookingId));
    const second = await runActivity(activities.authorizePayment, authorizeInput(bookingId));

    const creates = recorder.requests({ method: 'POST', path: '/v1/payment_intents' });
    expect(creates.map((request) => request.idempotencyKey)).toEqual([`${bookingId}:authorize`, `${bookingId}:authorize`]);
    expect(creates[1]!.replayed).toBe(true);
    expect(second).toEqual(first);
  });

  it('survives an answer lost on the way back: the retry carries the same key and gets the same intent', async () => {
    const bookingId = randomUUID();
    recorder.failNext(1, 'lose-response');
    const result = await runActivity(activities.authorizePayment, authorizeInput(bookingId));

    const creates = recorder.requests({ method: 'POST', path: '/v1/payment_intents' });
    expect(creates).toHaveLength(2);
    expect(new Set(creates.map((request) => request.idempotencyKey))).toEqual(new Set([`${bookingId}:authorize`]));
    expect(creates.filter((request) => !request.replayed)).toHaveLength(1);
    expect(result.paymentIntentId).toBe((creates[0]!.responseBody as { id: string }).id);
  });

  it('creates the Stripe customer of a student who has none, once, and remembers it', async () => {
    const config = testConfig({ DATABASE_URL: database.url });
    const newcomer = await createTestUser(database.db, config, 'student', { timeZone: 'America/Chicago' });
    await runActivity(activities.authorizePayment, authorizeInput(randomUUID(), { studentId: newcomer.id }));
    await runActivity(activities.authorizePayment, authorizeInput(randomUUID(), { studentId: newcomer.id }));

    const customers = recorder.requests({ method: 'POST', path: '/v1/customers' });
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ idempotencyKey: `customer:${newcomer.id}`, body: { email: newcomer.email, metadata: { tutorflowUserId: newcomer.id } } });
    const customerId = (customers[0]!.responseBody as { id: string }).id;
    expect((await studentProfiles.findByUserId(newcomer.id))?.stripeCustomerId).toBe(customerId);
    expect(recorder.requests({ path: '/v1/payment_intents' }).map((request) => request.body.customer)).toEqual([customerId, customerId]);
  });

  it('maps requires_action to what the frontend needs to finish 3-D Secure', async () => {
    const bookingId = randomUUID();
    recorder.failNext(1, 200, { id: 'pi_needs_3ds', object: 'payment_intent', status: 'requires_action', client_secret: 'pi_needs_3ds_secret_abc' });
    const result = await runActivity(activities.authorizePayment, authorizeInput(bookingId));
    expect(result).toEqual({ paymentIntentId: 'pi_needs_3ds', status: 'requires_action', clientSecret: 'pi_needs_3ds_secret_abc' });
  });

  it('returns a card decline as a failed result with the decline message, not as an error', async () => {
    recorder.failNext(1, 402, cardDeclinedBody('pi_declined_1', 'Your card has insufficient funds.'));
    const result = await runActivity(activities.authorizePayment, authorizeInput(randomUUID()));
    expect(result).toEqual({ paymentIntentId: 'pi_declined_1', status: 'failed', failureMessage: 'Your card has insufficient funds.' });
  });

  it("maps stripe-mock's own unconfirmed intent (requires_payment_method) to failed", async () => {
    const raw = await startStripeRecorder({ stateful: false });
    try {
      const config = testConfig({ DATABASE_URL: database.url, STRIPE_API_BASE: raw.url });
      const direct = createPaymentActivities({
        stripe: createStripeClient(config.stripe),
        users: new UserRepository(database.db),
        studentProfiles,
        tutorProfiles: new TutorProfileRepository(database.db),
        bookingPayments: new BookingPaymentRepository(database.db),
      });
      const result = await runActivity(direct.authorizePayment, authorizeInput(randomUUID(), { paymentMethodId: 'pm_card_chargeDeclined' }));
      expect(result.status).toBe('failed');
      expect(result.failureMessage).toBeTruthy();
    } finally {
      await raw.close();
    }
  });

  it('throws a Stripe outage (5xx) as an ordinary, retryable error after the SDK retried with the same key', async () => {
    const bookingId = randomUUID();
    // The Stripe client retries twice itself; all three attempts fail.
    recorder.failNext(3, 500);
    const failure = await failureOf(activities.authorizePayment, authorizeInput(bookingId));

    expect(failure).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(failure).not.toBeInstanceOf(ApplicationFailure);
    const attempts = recorder.requests({ path: '/v1/payment_intents' });
    expect(attempts.map((request) => [request.status, request.idempotencyKey])).toEqual([
      [500, `${bookingId}:authorize`],
      [500, `${bookingId}:authorize`],
      [500, `${bookingId}:authorize`],
    ]);
  });

  it('fails non-retryably on a request Stripe refuses as invalid', async () => {
    recorder.failNext(1, 400, { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such PaymentMethod', param: 'payment_method' } });
    const failure = await failureOf(activities.authorizePayment, authorizeInput(randomUUID(), { paymentMethodId: 'pm_does_not_exist' }));

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FAILURE_TYPES.invalidRequest, nonRetryable: true });
  });

  it('refuses an amount that is not a positive integer of minor units without calling Stripe', async () => {
    for (const amountMinor of [0, -100, 45.5]) {
      const failure = await failureOf(activities.authorizePayment, authorizeInput(randomUUID(), { amountMinor }));
      expect(failure).toMatchObject({ type: FAILURE_TYPES.invalidRequest, nonRetryable: true });
    }
    expect(recorder.requests()).toEqual([]);
  });
});

describe('capturePayment', () => {
  it("captures the hold with the booking's capture key and returns the charge and amount", async () => {
    const bookingId = randomUUID();
    const { paymentIntentId } = await runActivity(activities.authorizePayment, authorizeInput(bookingId));
    const authorizedCharge = (recorder.requests({ path: '/v1/payment_intents' })[0]!.responseBody as { latest_charge: string }).latest_charge;

    const first = await runActivity(activities.capturePayment, { bookingId, paymentIntentId });
    const second = await runActivity(activities.capturePayment, { bookingId, paymentIntentId });

    const captures = recorder.requests({ path: `/v1/payment_intents/${paymentIntentId}/capture` });
    expect(captures.map((request) => request.idempotencyKey)).toEqual([`${bookingId}:capture`, `${bookingId}:capture`]);
    expect(first).toEqual({ chargeId: authorizedCharge, amountCapturedMinor: 4_500 });
    expect(second).toEqual(first);
  });

  it('retried after Stripe forgot the key, reads the already captured intent instead of failing', async () => {
    const bookingId = randomUUID();
    const { paymentIntentId } = await runActivity(activities.authorizePayment, authorizeInput(bookingId));
    const first = await runActivity(activities.capturePayment, { bookingId, paymentIntentId });
    recorder.forgetIdempotencyKeys();

    const later = await runActivity(activities.capturePayment, { bookingId, paymentIntentId });
    expect(later).toEqual(first);
    expect(recorder.requests({ method: 'GET', path: `/v1/payment_intents/${paymentIntentId}` })).toHaveLength(1);
  });
});

describe('releasePayment', () => {
  it('cancels the intent with the release key; releasing again, even after the key is forgotten, succeeds', async () => {
    const bookingId = randomUUID();
    const { paymentIntentId } = await runActivity(activities.authorizePayment, authorizeInput(bookingId));
    await runActivity(activities.releasePayment, { bookingId, paymentIntentId });
    await runActivity(activities.releasePayment, { bookingId, paymentIntentId });
    recorder.forgetIdempotencyKeys();
    await runActivity(activities.releasePayment, { bookingId, paymentIntentId });

    const cancels = recorder.requests({ path: `/v1/payment_intents/${paymentIntentId}/cancel` });
    expect(cancels.map((request) => [request.idempotencyKey, request.status])).toEqual([
      [`${bookingId}:release`, 200],
      [`${bookingId}:release`, 200],
      [`${bookingId}:release`, 400],
    ]);
  });

  it('fails non-retryably when the payment was captured already (that needs a refund)', async () => {
    const { bookingId, paymentIntentId } = await capturedBooking();
    const failure = await failureOf(activities.releasePayment, { bookingId, paymentIntentId });
    expect(failure).toMatchObject({ type: FAILURE_TYPES.invalidRequest, nonRetryable: true });
  });
});

describe('refundPayment', () => {
  it('looks for an earlier refund of the step, then refunds the amount with the step key', async () => {
    const { bookingId, paymentIntentId } = await capturedBooking();
    const result = await runActivity(activities.refundPayment, { bookingId, paymentIntentId, amountMinor: 2_250, step: 'refund-cancel', reason: 'Student cancelled 12 hours before' });

    const [lookup, create, ...others] = recorder.requests();
    expect(others).toEqual([]);
    expect(lookup).toMatchObject({ method: 'GET', path: '/v1/refunds', query: { payment_intent: paymentIntentId } });
    expect(create).toMatchObject({
      method: 'POST',
      path: '/v1/refunds',
      idempotencyKey: `${bookingId}:refund-cancel`,
      body: { payment_intent: paymentIntentId, amount: '2250', metadata: { bookingId, step: 'refund-cancel', reason: 'Student cancelled 12 hours before' } },
    });
    expect(result).toEqual({ refundId: (create!.responseBody as { id: string }).id, amountMinor: 2_250 });
  });

  it('run again (even days later, when Stripe forgot the key) finds the refund and makes no second one', async () => {
    const { bookingId, paymentIntentId } = await capturedBooking();
    const input = { bookingId, paymentIntentId, amountMinor: 4_500, step: 'refund-admin-1', reason: 'Admin refund' };
    const first = await runActivity(activities.refundPayment, input);
    recorder.forgetIdempotencyKeys();
    const second = await runActivity(activities.refundPayment, input);

    expect(second).toEqual(first);
    expect(recorder.requests({ method: 'POST', path: '/v1/refunds' })).toHaveLength(1);
    expect(recorder.requests({ method: 'GET', path: '/v1/refunds' })).toHaveLength(2);
    // Postgres's record of the payment counts the refund once, however often the step ran.
    expect(await new BookingPaymentRepository(database.db).forBooking(bookingId)).toEqual([
      expect.objectContaining({ paymentIntentId, stepPrefix: '', status: 'captured', amountCapturedMinor: 4_500, amountRefundedMinor: 4_500 }),
    ]);
  });

  it('treats another step of the same booking as another refund', async () => {
    const { bookingId, paymentIntentId } = await capturedBooking();
    await runActivity(activities.refundPayment, { bookingId, paymentIntentId, amountMinor: 1_000, step: 'refund-admin-1', reason: 'Partial' });
    await runActivity(activities.refundPayment, { bookingId, paymentIntentId, amountMinor: 500, step: 'refund-admin-2', reason: 'Another partial' });

    const creates = recorder.requests({ method: 'POST', path: '/v1/refunds' });
    expect(creates.map((request) => [request.idempotencyKey, request.body.amount])).toEqual([
      [`${bookingId}:refund-admin-1`, '1000'],
      [`${bookingId}:refund-admin-2`, '500'],
    ]);
  });
});

describe('getPayoutAccount', () => {
  it("reads the tutor's connected account, or null when they have none", async () => {
    expect(await runActivity(activities.getPayoutAccount, { tutorId: tutor.id })).toBeNull();

    await database.db('tutor_profiles').insert({ user_id: tutor.id, hourly_rate_minor: 4_500, currency: 'EUR', time_zone: 'Europe/Paris' });
    expect(await runActivity(activities.getPayoutAccount, { tutorId: tutor.id })).toBeNull();

    await database.db('tutor_profiles').where({ user_id: tutor.id }).update({ stripe_account_id: 'acct_tutor_1', payouts_enabled: true });
    expect(await runActivity(activities.getPayoutAccount, { tutorId: tutor.id })).toEqual({ accountId: 'acct_tutor_1', payoutsEnabled: true });
  });
});

describe('payoutTutor', () => {
  it("transfers the tutor's share from the lesson's charge to their account, grouped and keyed by the booking", async () => {
    const { bookingId, chargeId } = await capturedBooking();
    const result = await runActivity(activities.payoutTutor, { bookingId, chargeId, tutorAccountId: 'acct_tutor_1', amountMinor: 3_825, currency: 'EUR' });

    const [lookup, create, ...others] = recorder.requests();
    expect(others).toEqual([]);
    expect(lookup).toMatchObject({ method: 'GET', path: '/v1/transfers', query: { transfer_group: bookingId } });
    expect(create).toMatchObject({
      method: 'POST',
      path: '/v1/transfers',
      idempotencyKey: `${bookingId}:payout`,
      body: {
        amount: '3825',
        currency: 'eur',
        destination: 'acct_tutor_1',
        source_transaction: chargeId,
        transfer_group: bookingId,
        metadata: { bookingId, step: 'payout' },
      },
    });
    expect(result).toEqual({ transferId: (create!.responseBody as { id: string }).id, amountMinor: 3_825 });
  });

  it('run again after Stripe forgot the key, finds the transfer and pays nothing twice', async () => {
    const { bookingId, chargeId } = await capturedBooking();
    const input = { bookingId, chargeId, tutorAccountId: 'acct_tutor_1', amountMinor: 3_825, currency: 'EUR' };
    const first = await runActivity(activities.payoutTutor, input);
    recorder.forgetIdempotencyKeys();
    const second = await runActivity(activities.payoutTutor, input);

    expect(second).toEqual(first);
    expect(recorder.requests({ method: 'POST', path: '/v1/transfers' })).toHaveLength(1);
    expect(await new BookingPaymentRepository(database.db).forBooking(bookingId)).toEqual([
      expect.objectContaining({ chargeId, transferId: first.transferId, transferAmountMinor: 3_825, amountRefundedMinor: 0 }),
    ]);
  });
});

describe('reverseTransfer', () => {
  it('reverses the amount with the step key; run twice, the same key both times', async () => {
    const bookingId = randomUUID();
    const input = { bookingId, transferId: 'tr_payout_1', amountMinor: 1_200, step: 'reverse-admin-1' };
    await runActivity(activities.reverseTransfer, input);
    await runActivity(activities.reverseTransfer, input);

    const reversals = recorder.requests({ method: 'POST', path: '/v1/transfers/tr_payout_1/reversals' });
    expect(reversals.map((request) => [request.idempotencyKey, request.body.amount, request.replayed])).toEqual([
      [`${bookingId}:reverse-admin-1`, '1200', false],
      [`${bookingId}:reverse-admin-1`, '1200', true],
    ]);
    expect(reversals[0]!.body.metadata).toEqual({ bookingId, step: 'reverse-admin-1' });
  });
});

describe('a second payment of one booking (a longer reschedule’s difference)', () => {
  it('authorizes, captures and pays out under its own steps, one transfer per charge; Stripe refuses a transfer above its charge', async () => {
    const { bookingId, chargeId } = await capturedBooking();
    const difference = await runActivity(activities.authorizePayment, authorizeInput(bookingId, { amountMinor: 1_500, step: 'reprice-1:authorize' }));
    expect(difference.status).toBe('authorized');
    const captured = await runActivity(activities.capturePayment, { bookingId, paymentIntentId: difference.paymentIntentId, step: 'reprice-1:capture' });
    expect(captured.amountCapturedMinor).toBe(1_500);
    const payoutInput = (step: string | undefined, charge: string, amountMinor: number) => ({ bookingId, chargeId: charge, tutorAccountId: 'acct_tutor', amountMinor, currency: 'EUR', ...(step ? { step } : {}) });
    const payout = (step: string | undefined, charge: string, amountMinor: number) => runActivity(activities.payoutTutor, payoutInput(step, charge, amountMinor));
    await payout(undefined, chargeId, 4_500);
    await payout('reprice-1:payout', captured.chargeId, 1_000);
    const keys = recorder.requests({ method: 'POST' }).map((request) => request.idempotencyKey);
    expect(keys).toEqual([`${bookingId}:reprice-1:authorize`, `${bookingId}:reprice-1:capture`, `${bookingId}:payout`, `${bookingId}:reprice-1:payout`]);
    const transfers = recorder.state().transfers.filter((transfer) => transfer.transferGroup === bookingId);
    expect(transfers.map((transfer) => [transfer.sourceTransaction, transfer.amount, transfer.metadata.step]).sort()).toEqual(
      [
        [chargeId, 4_500, 'payout'],
        [captured.chargeId, 1_000, 'reprice-1:payout'],
      ].sort(),
    );
    // The difference's charge has 500 left to transfer: 501 more is what Stripe refuses.
    const refusal = await failureOf(activities.payoutTutor, payoutInput('reprice-1:payout-again', captured.chargeId, 501));
    expect(refusal).toMatchObject({ type: FAILURE_TYPES.invalidRequest, nonRetryable: true });
  });
});
