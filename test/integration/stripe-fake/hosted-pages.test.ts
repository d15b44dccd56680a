/**
 * What the fake Stripe plays for the browser (scripts/fakes/stripe-hosted-pages.ts): the 3-D Secure
 * challenge page and the card form, the redirect back to the app with Stripe's query, SetupIntents
 * that attach the card to their customer (listed as Stripe lists a customer's cards), and Stripe's
 * webhook after the challenge, signed so the real SDK's verification accepts it.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeRecorder, type StripeRecorder } from '../../support/stripe-recorder.js';

const SECRET = 'whsec_hosted_pages_test';
const RETURN_URL = 'http://127.0.0.1:5173/bookings/b1';

let recorder: StripeRecorder;
let stripe: Stripe;
let endpoint: http.Server;
const delivered: { signature: string; payload: string }[] = [];

beforeAll(async () => {
  recorder = await startStripeRecorder();
  const url = new URL(recorder.url);
  stripe = new Stripe('sk_test_123', { apiVersion: Stripe.API_VERSION, host: url.hostname, port: url.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
  endpoint = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      delivered.push({ signature: String(req.headers['stripe-signature']), payload: Buffer.concat(chunks).toString('utf8') });
      res.end('{}');
    });
  });
  endpoint.listen(0, '127.0.0.1');
  await once(endpoint, 'listening');
  recorder.setWebhookEndpoint({ url: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/api/webhooks/stripe`, secret: SECRET });
});
afterAll(async () => {
  await recorder.close();
  endpoint.close();
});

const hosted = (path: string, form?: Record<string, string>) =>
  fetch(`${recorder.url}/_fake/stripe/hosted/${path}`, { method: form ? 'POST' : 'GET', redirect: 'manual', ...(form ? { body: new URLSearchParams(form) } : {}) });

describe('the 3-D Secure challenge page', () => {
  it('authorizes the PaymentIntent, sends Stripe’s signed webhook, and returns to the app with Stripe’s query', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 2500, currency: 'eur', payment_method: 'pm_card_threeDSecure2Required', capture_method: 'manual', confirm: true, metadata: { bookingId: 'b1' } });
    expect(intent.status).toBe('requires_action');
    const secret = intent.client_secret!;

    const page = await hosted(`payment_intents/${intent.id}/authenticate?client_secret=${secret}&return_url=${encodeURIComponent(RETURN_URL)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Complete authentication');
    // The client secret identifies the intent, as for Stripe.js.
    expect((await hosted(`payment_intents/${intent.id}/authenticate`, { client_secret: `${intent.id}_secret_wrong`, return_url: RETURN_URL, outcome: 'complete' })).status).toBe(404);

    const done = await hosted(`payment_intents/${intent.id}/authenticate`, { client_secret: secret, return_url: RETURN_URL, outcome: 'complete' });
    expect(done.status).toBe(303);
    const back = new URL(done.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(RETURN_URL);
    expect(Object.fromEntries(back.searchParams)).toEqual({ payment_intent: intent.id, payment_intent_client_secret: secret, redirect_status: 'succeeded' });
    expect((await stripe.paymentIntents.retrieve(intent.id)).status).toBe('requires_capture');

    const [delivery] = delivered.splice(0);
    const event = stripe.webhooks.constructEvent(delivery!.payload, delivery!.signature, SECRET);
    expect(event.type).toBe('payment_intent.amount_capturable_updated');
    expect(event.data.object).toMatchObject({ id: intent.id, status: 'requires_capture', metadata: { bookingId: 'b1' } });
    expect(() => stripe.webhooks.constructEvent(delivery!.payload, delivery!.signature, 'whsec_another')).toThrow();

    // Back again (a reload): nothing left to confirm, straight back to the app.
    expect((await hosted(`payment_intents/${intent.id}/authenticate?client_secret=${secret}&return_url=${encodeURIComponent(RETURN_URL)}`)).status).toBe(303);
  });

  it('fails the payment on a failed challenge (payment_intent.payment_failed)', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 2500, currency: 'eur', payment_method: 'pm_card_threeDSecure2Required', capture_method: 'manual', confirm: true });
    const done = await hosted(`payment_intents/${intent.id}/authenticate`, { client_secret: intent.client_secret!, return_url: RETURN_URL, outcome: 'fail' });
    expect(new URL(done.headers.get('location')!).searchParams.get('redirect_status')).toBe('failed');
    const [delivery] = delivered.splice(0);
    expect(stripe.webhooks.constructEvent(delivery!.payload, delivery!.signature, SECRET).type).toBe('payment_intent.payment_failed');
    expect((await stripe.paymentIntents.retrieve(intent.id)).last_payment_error?.code).toBe('payment_intent_authentication_failure');
  });
});

describe('saving a card (SetupIntent)', () => {
  it('attaches a confirmed card to the customer, lists it as Stripe lists a customer’s cards, refuses a declining one', async () => {
    const customer = await stripe.customers.create({ email: 'sam@example.com' });
    const setup = await stripe.setupIntents.create({ customer: customer.id, usage: 'off_session' });
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);

    const declined = await hosted(`setup_intents/${setup.id}/confirm`, { client_secret: setup.client_secret!, return_url: RETURN_URL, payment_method: 'pm_card_chargeDeclined' });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('Your card was declined.');

    const asked = await hosted(`setup_intents/${setup.id}/confirm`, { client_secret: setup.client_secret!, return_url: RETURN_URL, payment_method: 'pm_card_threeDSecure2Required' });
    expect(await asked.text()).toContain('3D Secure 2 test page');
    const saved = await hosted(`setup_intents/${setup.id}/authenticate`, { client_secret: setup.client_secret!, return_url: RETURN_URL, outcome: 'complete' });
    expect(saved.status).toBe(303);
    expect(new URL(saved.headers.get('location')!).searchParams.get('redirect_status')).toBe('succeeded');
    expect((await stripe.setupIntents.retrieve(setup.id)).status).toBe('succeeded');

    const other = await stripe.setupIntents.create({ customer: customer.id, usage: 'off_session' });
    await stripe.setupIntents.confirm(other.id, { payment_method: 'pm_card_mastercard' });
    const cards = await stripe.customers.listPaymentMethods(customer.id);
    expect(cards.data.map((card) => [card.id, card.card?.brand, card.card?.last4])).toEqual([
      ['pm_card_mastercard', 'mastercard', '4444'],
      ['pm_card_threeDSecure2Required', 'visa', '3220'],
    ]);
    await stripe.customers.retrievePaymentMethod(customer.id, 'pm_card_mastercard');
    const someoneElse = await stripe.customers.create({ email: 'ana@example.com' });
    await expect(stripe.customers.retrievePaymentMethod(someoneElse.id, 'pm_card_mastercard')).rejects.toMatchObject({ statusCode: 404 });
  });
});
