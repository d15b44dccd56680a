/**
 * The fake Stripe's control surface on its own port (GET /_fake/stripe/state, faults, expiry,
 * 3-D Secure), as another process (the dev stack's fault runs) uses it: plain HTTP, the real SDK
 * on the Stripe side, stripe-mock behind.
 */
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStripeRecorder, type StripeRecorder } from '../../support/stripe-recorder.js';

let recorder: StripeRecorder;
let stripe: Stripe;

function client(options: { timeout?: number } = {}): Stripe {
  const url = new URL(recorder.url);
  return new Stripe('sk_test_123', { apiVersion: Stripe.API_VERSION, host: url.hostname, port: url.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false, ...options });
}

beforeAll(async () => {
  recorder = await startStripeRecorder();
  stripe = client();
});
afterEach(() => recorder.clearFaults());
afterAll(() => recorder.close());

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${recorder.url}/_fake/stripe/${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const key = (step: string) => `${randomUUID()}:${step}`;
const authorize = (amount = 1000, paymentMethod = 'pm_card_visa', idempotencyKey = key('authorize')) =>
  stripe.paymentIntents.create({ amount, currency: 'eur', payment_method: paymentMethod, capture_method: 'manual', confirm: true }, { idempotencyKey });

async function thrown(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.fail('the call was expected to fail'),
    (error: unknown) => error,
  );
}

describe('GET /_fake/stripe/state', () => {
  it('gives what state() gives, as JSON, for another process', async () => {
    const intent = await authorize(1500);
    await stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture') });
    const state = await control('GET', 'state');
    expect(state.status).toBe(200);
    expect(state.body).toEqual(JSON.parse(JSON.stringify(recorder.state())));
    expect(state.body.paymentIntents).toContainEqual(expect.objectContaining({ id: intent.id, status: 'succeeded', amountReceived: 1500, chargeId: intent.latest_charge }));
  });

  it('sums one booking’s money, and forgets everything on DELETE', async () => {
    const bookingId = randomUUID();
    const intent = await stripe.paymentIntents.create(
      { amount: 3000, currency: 'eur', payment_method: 'pm_card_visa', capture_method: 'manual', confirm: true, transfer_group: bookingId, metadata: { bookingId } },
      { idempotencyKey: `${bookingId}:authorize` },
    );
    expect(recorder.money(bookingId)).toMatchObject({ paymentIntentIds: [intent.id], held: 3000, captured: 0 });
    const captured = await stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: `${bookingId}:capture` });
    await stripe.refunds.create({ payment_intent: intent.id, amount: 500 }, { idempotencyKey: `${bookingId}:refund-admin` });
    const transfer = await stripe.transfers.create(
      { amount: 2000, currency: 'eur', destination: 'acct_tutor', source_transaction: captured.latest_charge as string, transfer_group: bookingId },
      { idempotencyKey: `${bookingId}:payout` },
    );
    await stripe.transfers.createReversal(transfer.id, { amount: 700 }, { idempotencyKey: `${bookingId}:reversal-admin` });
    const money = recorder.money(bookingId);
    expect(money).toMatchObject({ held: 0, captured: 3000, refunded: 500, transferred: 2000, reversed: 700 });
    expect(money.mutations.map((mutation) => mutation.idempotencyKey)).toEqual(['authorize', 'capture', 'refund-admin', 'payout', 'reversal-admin'].map((step) => `${bookingId}:${step}`));

    expect((await control('DELETE', 'state')).body).toEqual({ paymentIntents: [], transfers: [], mutations: [] });
    expect(recorder.money(bookingId)).toMatchObject({ paymentIntentIds: [], captured: 0, mutations: [] });
    // The keys went too: the same key makes a new intent.
    const again = await stripe.paymentIntents.create({ amount: 3000, currency: 'eur', payment_method: 'pm_card_visa', capture_method: 'manual', confirm: true }, { idempotencyKey: `${bookingId}:authorize` });
    expect(again.id).not.toBe(intent.id);
  });
});

describe('POST /_fake/stripe/faults', () => {
  it('fails the next matching requests only, then answers normally again', async () => {
    const intent = await authorize();
    await stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture') });
    const set = await control('POST', 'faults', { failNext: { count: 1, status: 503, path: '/v1/refunds', method: 'POST' } });
    expect(set).toMatchObject({ status: 200, body: { latencyMs: 0, pending: [{ fault: { status: 503 }, match: { path: '/v1/refunds', method: 'POST' } }] } });

    // Not a refund: untouched by the fault.
    await authorize();
    const outage = await thrown(stripe.refunds.create({ payment_intent: intent.id, amount: 100 }, { idempotencyKey: key('refund') }));
    expect(outage).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect((outage as Stripe.errors.StripeError).statusCode).toBe(503);
    expect(recorder.state().paymentIntents.find((entry) => entry.id === intent.id)!.amountRefunded).toBe(0);

    expect((await stripe.refunds.create({ payment_intent: intent.id, amount: 100 }, { idempotencyKey: key('refund') })).amount).toBe(100);
    expect((await control('GET', 'faults')).body).toEqual({ latencyMs: 0, pending: [] });
  });

  it("'drop' closes the connection before Stripe acts; 'lose-response' after", async () => {
    const before = recorder.state().paymentIntents.length;
    // The SDK retries a closed connection once by itself (same key): drop both attempts.
    await control('POST', 'faults', { failNext: { count: 2, status: 'drop' } });
    expect(await thrown(authorize())).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(recorder.state().paymentIntents).toHaveLength(before);

    const idempotencyKey = key('authorize');
    await control('POST', 'faults', { failNext: { count: 1, status: 'lose-response' } });
    const intent = await authorize(1000, 'pm_card_visa', idempotencyKey);
    // Stripe acted on the lost attempt; the SDK's retry with the same key got that answer replayed.
    expect(recorder.state().paymentIntents.filter((entry) => entry.idempotencyKey === idempotencyKey).map((entry) => entry.id)).toEqual([intent.id]);
    expect(recorder.state().mutations.filter((entry) => entry.idempotencyKey === idempotencyKey).map((entry) => [entry.status, entry.replayed, entry.injected])).toEqual([
      [null, false, true],
      [200, true, false],
    ]);
  });

  it('delays every request by latencyMs until cleared with DELETE', async () => {
    expect((await control('POST', 'faults', { latencyMs: 3_000 })).body).toMatchObject({ latencyMs: 3_000 });
    // A client that waits less than the latency gives up.
    expect(await thrown(client({ timeout: 200 }).customers.create({ email: 'late@example.test' }))).toBeInstanceOf(Stripe.errors.StripeConnectionError);

    expect((await control('DELETE', 'faults')).body).toEqual({ latencyMs: 0, pending: [] });
    expect((await client({ timeout: 2_000 }).customers.create({ email: 'on-time@example.test' })).email).toBe('on-time@example.test');
  });

  it('keeps a slow request’s key in flight: the same key meanwhile is 409 idempotency_key_in_use, afterwards a replay', async () => {
    await control('POST', 'faults', { latencyMs: 1_000 });
    const idempotencyKey = key('customer');
    const slow = stripe.customers.create({ email: 'slow@example.test' }, { idempotencyKey });
    await expect.poll(() => recorder.requests({ path: '/v1/customers' }).filter((request) => request.idempotencyKey === idempotencyKey).length).toBe(1);
    const meanwhile = (await thrown(stripe.customers.create({ email: 'slow@example.test' }, { idempotencyKey }))) as Stripe.errors.StripeError;
    // The SDK raises a 409 as a StripeAPIError: something to retry, not a refusal.
    expect({ statusCode: meanwhile.statusCode, type: meanwhile.type, rawType: meanwhile.rawType, code: meanwhile.code }).toEqual({
      statusCode: 409,
      type: 'StripeAPIError',
      rawType: 'invalid_request_error',
      code: 'idempotency_key_in_use',
    });
    const first = await slow;
    await control('DELETE', 'faults');
    const replay = await stripe.customers.create({ email: 'slow@example.test' }, { idempotencyKey });
    expect(replay.id).toBe(first.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses settings out of bounds or malformed, and applies none of them', async () => {
    for (const body of [
      { latencyMs: 30_001 },
      { latencyMs: -1 },
      { failNext: { count: 0, status: 500 } },
      { failNext: { count: 101, status: 500 } },
      { failNext: { count: 1, status: 'explode' } },
      { failNext: { count: 1, status: 503 }, latencyMs: 99_999 },
      '{not json',
    ]) {
      const refused = await control('POST', 'faults', body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    expect((await control('GET', 'faults')).body).toEqual({ latencyMs: 0, pending: [] });
    expect((await control('GET', 'no-such-thing')).status).toBe(404);
  });
});

describe('PaymentIntent controls', () => {
  it('expires a held authorization, after which Stripe refuses the capture', async () => {
    const intent = await authorize();
    const expired = await control('POST', `payment_intents/${intent.id}/expire`);
    expect(expired).toMatchObject({ status: 200, body: { id: intent.id, status: 'canceled', cancellation_reason: 'automatic' } });
    const capture = await thrown(stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture') }));
    expect((capture as Stripe.errors.StripeError).code).toBe('payment_intent_unexpected_state');
    expect((await control('POST', `payment_intents/${intent.id}/expire`)).status).toBe(400);
    expect((await control('POST', 'payment_intents/pi_unknown/expire')).status).toBe(400);
  });

  it('finishes 3-D Secure for the student', async () => {
    const intent = await authorize(1000, 'pm_card_threeDSecure2Required');
    expect(intent.status).toBe('requires_action');
    expect(await control('POST', `payment_intents/${intent.id}/authenticate`, { succeed: true })).toMatchObject({ status: 200, body: { status: 'requires_capture' } });
  });

  it('opens a dispute on a captured charge, once', async () => {
    const intent = await authorize(1000);
    await stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture') });
    const opened = await control('POST', `payment_intents/${intent.id}/dispute`, { reason: 'product_not_received' });
    expect(opened).toMatchObject({ status: 200, body: { object: 'dispute', payment_intent: intent.id, reason: 'product_not_received', amount: 1000 } });
    expect((await control('POST', `payment_intents/${intent.id}/dispute`)).status).toBe(400);
  });

  it('forgets idempotency keys, as Stripe does after about a day', async () => {
    const idempotencyKey = key('customer');
    await stripe.customers.create({ email: 'a@example.test' }, { idempotencyKey });
    expect(await thrown(stripe.customers.create({ email: 'b@example.test' }, { idempotencyKey }))).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((await control('POST', 'forget-idempotency-keys')).status).toBe(200);
    expect((await stripe.customers.create({ email: 'b@example.test' }, { idempotencyKey })).email).toBe('b@example.test');
  });
});
