/**
 * The Stripe fake refuses what Stripe refuses (scripts/fakes/stripe-proxy.md), with Stripe's error
 * type, code and HTTP status, as the real SDK sees them: stripe-mock behind the proxy, no mocks.
 */
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeRecorder, type StripeRecorder } from '../../support/stripe-recorder.js';

let recorder: StripeRecorder;
let stripe: Stripe;

beforeAll(async () => {
  recorder = await startStripeRecorder();
  const url = new URL(recorder.url);
  stripe = new Stripe('sk_test_123', { apiVersion: Stripe.API_VERSION, host: url.hostname, port: url.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
});
afterAll(() => recorder.close());

const key = (step: string) => `${randomUUID()}:${step}`;

async function authorized(amount = 2250, paymentMethod = 'pm_card_visa'): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create(
    { amount, currency: 'eur', payment_method: paymentMethod, capture_method: 'manual', confirm: true, transfer_group: randomUUID() },
    { idempotencyKey: key('authorize') },
  );
}

async function captured(amount = 2250): Promise<Stripe.PaymentIntent> {
  const intent = await authorized(amount);
  return stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture') });
}

/** The Stripe error a call threw (fails the test when it did not throw one). */
async function refusal(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, 'the call was expected to be refused').toBeInstanceOf(Stripe.errors.StripeError);
  return error as Stripe.errors.StripeError;
}

function expectRefusal(error: Stripe.errors.StripeError, expected: { statusCode: number; type: string; code?: string; param?: string }) {
  expect({ statusCode: error.statusCode, type: error.type, code: error.code, ...(expected.param ? { param: error.param } : {}) }).toEqual({
    statusCode: expected.statusCode,
    type: expected.type,
    code: expected.code,
    ...(expected.param ? { param: expected.param } : {}),
  });
}

const intentState = (id: string) => recorder.state().paymentIntents.find((intent) => intent.id === id)!;

describe('refunds', () => {
  it('refuses a refund above what remains unrefunded, counting earlier refunds', async () => {
    const intent = await captured(2250);
    await stripe.refunds.create({ payment_intent: intent.id, amount: 500 }, { idempotencyKey: key('refund-goodwill') });

    const above = await refusal(stripe.refunds.create({ payment_intent: intent.id, amount: 2250 }, { idempotencyKey: key('refund-cancel') }));
    expectRefusal(above, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'amount_too_large', param: 'amount' });
    expect(above.message).toContain('greater than unrefunded amount on charge');

    const rest = await stripe.refunds.create({ payment_intent: intent.id, amount: 1750 }, { idempotencyKey: key('refund-rest') });
    expect(rest.amount).toBe(1750);
    expect(intentState(intent.id)).toMatchObject({ amountReceived: 2250, amountRefunded: 2250 });
    expect(intentState(intent.id).refunds.map((refund) => refund.amount)).toEqual([500, 1750]);
  });

  it('refuses any refund of a fully refunded charge with charge_already_refunded', async () => {
    const intent = await captured(1000);
    // Without an amount, a refund takes what remains.
    expect((await stripe.refunds.create({ payment_intent: intent.id }, { idempotencyKey: key('refund') })).amount).toBe(1000);
    const again = await refusal(stripe.refunds.create({ payment_intent: intent.id, amount: 1 }, { idempotencyKey: key('refund-again') }));
    expectRefusal(again, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'charge_already_refunded' });
  });

  it('refunds by charge id as by PaymentIntent, against the same remainder', async () => {
    const intent = await captured(1000);
    await stripe.refunds.create({ charge: intent.latest_charge as string, amount: 600 }, { idempotencyKey: key('refund-by-charge') });
    const above = await refusal(stripe.refunds.create({ payment_intent: intent.id, amount: 401 }, { idempotencyKey: key('refund') }));
    expectRefusal(above, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'amount_too_large', param: 'amount' });
  });

  it('refuses to refund an uncaptured PaymentIntent', async () => {
    const intent = await authorized();
    const error = await refusal(stripe.refunds.create({ payment_intent: intent.id, amount: 100 }, { idempotencyKey: key('refund') }));
    expectRefusal(error, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'payment_intent_unexpected_state' });
    expect(error.message).toContain('does not have a successful charge to refund');
    expect(intentState(intent.id).refunds).toEqual([]);
  });

  it('refuses any refund of a disputed charge with charge_disputed', async () => {
    const intent = await captured(2000);
    await stripe.refunds.create({ payment_intent: intent.id, amount: 300 }, { idempotencyKey: key('refund-goodwill') });
    const dispute = recorder.dispute(intent.id);
    expect(dispute).toMatchObject({ object: 'dispute', charge: intent.latest_charge, payment_intent: intent.id, amount: 1700, status: 'needs_response' });
    const refused = await refusal(stripe.refunds.create({ payment_intent: intent.id, amount: 100 }, { idempotencyKey: key('refund-after-dispute') }));
    expectRefusal(refused, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'charge_disputed' });
    expect(intentState(intent.id)).toMatchObject({ disputeId: dispute.id, amountRefunded: 300 });
    // Only a captured charge can be disputed, once.
    expect(() => recorder.dispute(intent.id)).toThrow(/already disputed/);
    const held = await authorized();
    expect(() => recorder.dispute(held.id)).toThrow(/captured/);
  });

  it('lists the refunds made, newest first, with their metadata', async () => {
    const intent = await captured(1000);
    await stripe.refunds.create({ payment_intent: intent.id, amount: 100, metadata: { step: 'first' } }, { idempotencyKey: key('refund-1') });
    await stripe.refunds.create({ payment_intent: intent.id, amount: 200, metadata: { step: 'second' } }, { idempotencyKey: key('refund-2') });
    const listed = await stripe.refunds.list({ payment_intent: intent.id });
    expect(listed.data.map((refund) => [refund.amount, refund.metadata?.step])).toEqual([
      [200, 'second'],
      [100, 'first'],
    ]);
  });
});

describe('captures and cancels', () => {
  it('refuses to capture more than was authorized, and captures less once', async () => {
    const intent = await authorized(2000);
    const above = await refusal(stripe.paymentIntents.capture(intent.id, { amount_to_capture: 2001 }, { idempotencyKey: key('capture-above') }));
    expectRefusal(above, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'amount_too_large', param: 'amount_to_capture' });

    const partial = await stripe.paymentIntents.capture(intent.id, { amount_to_capture: 1500 }, { idempotencyKey: key('capture') });
    expect(partial).toMatchObject({ status: 'succeeded', amount_received: 1500, amount_capturable: 0 });
    // The rest of the hold was released: nothing more can be captured or refunded beyond 1500.
    const overRefund = await refusal(stripe.refunds.create({ payment_intent: intent.id, amount: 1501 }, { idempotencyKey: key('refund') }));
    expect(overRefund.code).toBe('amount_too_large');
  });

  it('refuses to capture an already captured PaymentIntent (with a new key)', async () => {
    const intent = await captured();
    const again = await refusal(stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture-again') }));
    expectRefusal(again, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'payment_intent_unexpected_state' });
    expect(again.message).toContain('status of succeeded');
  });

  it('refuses to capture a cancelled PaymentIntent', async () => {
    const intent = await authorized();
    await stripe.paymentIntents.cancel(intent.id, { cancellation_reason: 'abandoned' }, { idempotencyKey: key('release') });
    const error = await refusal(stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture') }));
    expectRefusal(error, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'payment_intent_unexpected_state' });
    expect(error.message).toContain('status of canceled');
  });

  it('refuses to capture an authorization that expired', async () => {
    const intent = await authorized();
    recorder.expireAuthorization(intent.id);
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({ status: 'canceled', cancellation_reason: 'automatic', amount_capturable: 0 });
    const error = await refusal(stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture') }));
    expectRefusal(error, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'payment_intent_unexpected_state' });
    // Only a held authorization can expire.
    expect(() => recorder.expireAuthorization(intent.id)).toThrow(/requires_capture/);
  });

  it('refuses to cancel a captured PaymentIntent, and a cancelled one again', async () => {
    const intent = await captured();
    const error = await refusal(stripe.paymentIntents.cancel(intent.id, {}, { idempotencyKey: key('release') }));
    expectRefusal(error, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'payment_intent_unexpected_state' });

    const held = await authorized();
    await stripe.paymentIntents.cancel(held.id, {}, { idempotencyKey: key('release') });
    const twice = await refusal(stripe.paymentIntents.cancel(held.id, {}, { idempotencyKey: key('release-again') }));
    expect(twice.code).toBe('payment_intent_unexpected_state');
    expect(intentState(held.id)).toMatchObject({ status: 'canceled', amountCapturable: 0, amountReceived: 0 });
  });
});

describe('transfers and reversals', () => {
  it('refuses a transfer above its source charge, counting earlier transfers from it', async () => {
    const intent = await captured(2000);
    const charge = intent.latest_charge as string;
    const transfer = (amount: number, step: string) =>
      stripe.transfers.create({ amount, currency: 'eur', destination: 'acct_tutor', source_transaction: charge, transfer_group: intent.transfer_group! }, { idempotencyKey: key(step) });

    const above = await refusal(transfer(2001, 'payout-above'));
    expectRefusal(above, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'amount_too_large', param: 'amount' });
    await transfer(1700, 'payout');
    const second = await refusal(transfer(301, 'payout-second'));
    expectRefusal(second, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'amount_too_large', param: 'amount' });
    await transfer(300, 'payout-rest');

    const transfers = recorder.state().transfers.filter((entry) => entry.sourceTransaction === charge);
    expect(transfers.map((entry) => entry.amount)).toEqual([1700, 300]);
  });

  it('refuses a transfer from a charge that is only authorized', async () => {
    const intent = await authorized(2000);
    const error = await refusal(
      stripe.transfers.create({ amount: 100, currency: 'eur', destination: 'acct_tutor', source_transaction: intent.latest_charge as string }, { idempotencyKey: key('payout') }),
    );
    expect(error.code).toBe('amount_too_large');
  });

  it('refuses a reversal above what remains unreversed, and lists the reversals', async () => {
    const intent = await captured(2000);
    const transfer = await stripe.transfers.create(
      { amount: 1800, currency: 'eur', destination: 'acct_tutor', source_transaction: intent.latest_charge as string },
      { idempotencyKey: key('payout') },
    );
    await stripe.transfers.createReversal(transfer.id, { amount: 1000, metadata: { step: 'reverse-1' } }, { idempotencyKey: key('reverse-1') });
    const above = await refusal(stripe.transfers.createReversal(transfer.id, { amount: 801 }, { idempotencyKey: key('reverse-2') }));
    expectRefusal(above, { statusCode: 400, type: 'StripeInvalidRequestError', code: 'amount_too_large', param: 'amount' });
    await stripe.transfers.createReversal(transfer.id, { amount: 800, metadata: { step: 'reverse-2' } }, { idempotencyKey: key('reverse-3') });

    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({ amount_reversed: 1800, reversed: true });
    const listed = await stripe.transfers.listReversals(transfer.id);
    expect(listed.data.map((reversal) => reversal.metadata?.step)).toEqual(['reverse-2', 'reverse-1']);
  });
});

describe('idempotency', () => {
  it('replays a key with the same parameters, and refuses it with other parameters', async () => {
    const intent = await captured(2000);
    const refundKey = key('refund');
    const first = await stripe.refunds.create({ payment_intent: intent.id, amount: 500 }, { idempotencyKey: refundKey });
    const replay = await stripe.refunds.create({ payment_intent: intent.id, amount: 500 }, { idempotencyKey: refundKey });
    expect(replay.id).toBe(first.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');

    const other = await refusal(stripe.refunds.create({ payment_intent: intent.id, amount: 700 }, { idempotencyKey: refundKey }));
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect({ statusCode: other.statusCode, type: other.rawType }).toEqual({ statusCode: 400, type: 'idempotency_error' });
    // Neither the replay nor the refusal refunded anything.
    expect(intentState(intent.id).amountRefunded).toBe(500);
    expect(intentState(intent.id).refunds).toEqual([expect.objectContaining({ amount: 500, idempotencyKey: refundKey })]);
  });

  it('records every mutating request with its path and key, replays included', async () => {
    const createKey = key('authorize');
    const params = { amount: 900, currency: 'eur', payment_method: 'pm_card_visa', capture_method: 'manual' as const, confirm: true };
    const intent = await stripe.paymentIntents.create(params, { idempotencyKey: createKey });
    await stripe.paymentIntents.create(params, { idempotencyKey: createKey });
    const mutations = recorder.state().mutations.filter((mutation) => mutation.idempotencyKey === createKey);
    expect(mutations).toEqual([
      { method: 'POST', path: '/v1/payment_intents', idempotencyKey: createKey, status: 200, replayed: false, injected: false },
      { method: 'POST', path: '/v1/payment_intents', idempotencyKey: createKey, status: 200, replayed: true, injected: false },
    ]);
    expect(intentState(intent.id)).toMatchObject({ idempotencyKey: createKey, status: 'requires_capture', amountCapturable: 900 });
  });
});

describe('test cards', () => {
  it.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
  ])('%s declines at confirmation (402 card_error %s / %s)', async (paymentMethod, code, declineCode) => {
    const error = await refusal(authorized(1000, paymentMethod));
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect({ statusCode: error.statusCode, code: error.code, declineCode: error.decline_code }).toEqual({ statusCode: 402, code, declineCode });
    const intent = error.payment_intent!;
    expect(intent.status).toBe('requires_payment_method');
    expect(intentState(intent.id)).toMatchObject({ status: 'requires_payment_method', amountCapturable: 0, chargeId: null });
  });

  it.each(['pm_card_threeDSecure2Required', 'pm_card_authenticationRequired'])('%s asks for 3-D Secure, then authorizes once the student authenticates', async (paymentMethod) => {
    const intent = await authorized(1200, paymentMethod);
    expect(intent).toMatchObject({ status: 'requires_action', next_action: { type: 'use_stripe_sdk' } });
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_`));
    const notYet = await refusal(stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture') }));
    expect(notYet.code).toBe('payment_intent_unexpected_state');

    recorder.authenticate(intent.id);
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({ status: 'requires_capture', amount_capturable: 1200, next_action: null });
    expect(await stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture-after-3ds') })).toMatchObject({ status: 'succeeded', amount_received: 1200 });
  });

  it('leaves a failed 3-D Secure waiting for another payment method', async () => {
    const intent = await authorized(1200, 'pm_card_threeDSecure2Required');
    recorder.authenticate(intent.id, false);
    const failed = await stripe.paymentIntents.retrieve(intent.id);
    expect(failed).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'payment_intent_authentication_failure' } });
  });
});
