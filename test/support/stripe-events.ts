/**
 * Stripe webhook events for tests: built as Stripe sends them, signed with the API's endpoint secret
 * and delivered to `POST /api/webhooks/stripe`. The Stripe fake sends no webhooks (see
 * scripts/fakes/stripe-proxy.md), so a test plays Stripe's delivery, including its duplicates
 * (deliver the same event again, or at the same time) and its reordering (deliver in any order).
 */
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import type { RunningApi } from './harness.js';
import { readJson, type Json } from './http.js';

const signer = new Stripe('sk_test_signer');

export interface StripeTestEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
  type: string;
  data: { object: Record<string, unknown> };
}

/** An event of `type` about `object` (e.g. a PaymentIntent, a dispute from the fake's dispute()); a new id unless given. */
export function stripeEvent(type: string, object: Record<string, unknown>, id = `evt_${randomUUID().replaceAll('-', '')}`): StripeTestEvent {
  return {
    id,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/** Delivers the event, signed with the API's webhook secret, as Stripe does. */
export async function deliverStripeEvent(api: RunningApi, event: StripeTestEvent): Promise<{ status: number; body: Json }> {
  const payload = JSON.stringify(event);
  const signature = signer.webhooks.generateTestHeaderString({ payload, secret: api.config.stripe.webhookSecret });
  const response = await fetch(`${api.baseUrl}/api/webhooks/stripe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
    body: payload,
  });
  return { status: response.status, body: (await readJson(response)) as Json };
}
