/**
 * The Stripe client, configured once. STRIPE_API_BASE points it at stripe-mock (or the tests'
 * recording proxy in front of it) in development and tests; empty means Stripe itself.
 *
 * The API version is pinned to the one this SDK's types describe, so an upgrade of the account's
 * default version on Stripe's side can never change the shape of what we read. Every mutating call
 * passes an idempotency key of its own (see the callers); network retries reuse it.
 */
import Stripe from 'stripe';
import type { Config } from '../domain/config.js';

export type StripeClient = Stripe;

/** Attempts after the first for network errors and 409/429/5xx answers, with backoff. */
const MAX_NETWORK_RETRIES = 2;
const TIMEOUT_MS = 20_000;

export function createStripeClient(stripe: Config['stripe']): StripeClient {
  const base = stripe.apiBase ? new URL(stripe.apiBase) : undefined;
  const protocol = base?.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(stripe.secretKey, {
    apiVersion: Stripe.API_VERSION,
    maxNetworkRetries: MAX_NETWORK_RETRIES,
    timeout: TIMEOUT_MS,
    telemetry: false,
    appInfo: { name: 'tutorflow' },
    ...(base ? { host: base.hostname, port: base.port || (protocol === 'http' ? 80 : 443), protocol } : {}),
  });
}

/** Tolerance for a webhook's signed timestamp: older deliveries (replays) are refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
