import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser } from '../../support/fixtures.js';
import { readJson, type Json } from '../../support/http.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';

const WEBHOOK_SECRET = 'whsec_test_webhooks_secret';

let api: RunningApi;
const signer = new Stripe('sk_test_123');

beforeAll(async () => {
  api = await startTestApi({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
});
afterAll(() => api.close());

const eventId = () => `evt_${randomBytes(12).toString('hex')}`;

function accountUpdated(accountId: string, payoutsEnabled: boolean, created = Math.floor(Date.now() / 1000), id = eventId()) {
  return {
    id,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'account.updated',
    data: { object: { id: accountId, object: 'account', payouts_enabled: payoutsEnabled, charges_enabled: payoutsEnabled } },
  };
}

async function deliver(payload: string, options: { timestamp?: number; secret?: string; body?: string; signature?: string | null } = {}) {
  const signature =
    options.signature === undefined
      ? signer.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? WEBHOOK_SECRET, ...(options.timestamp ? { timestamp: options.timestamp } : {}) })
      : options.signature;
  const response = await fetch(`${api.baseUrl}/api/webhooks/stripe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(signature === null ? {} : { 'Stripe-Signature': signature }) },
    body: options.body ?? payload,
  });
  return { status: response.status, body: (await readJson(response)) as Json };
}

async function tutorWithAccount(): Promise<{ tutorId: string; accountId: string }> {
  const { db } = api.container.resources;
  const tutor = await createTestUser(db, api.config, 'tutor');
  const accountId = `acct_${randomBytes(8).toString('hex')}`;
  await db('tutor_profiles').insert({ user_id: tutor.id, hourly_rate_minor: 3000, currency: 'USD', time_zone: 'UTC', stripe_account_id: accountId });
  return { tutorId: tutor.id, accountId };
}

const payoutsEnabled = async (tutorId: string) => (await api.container.resources.db('tutor_profiles').where({ user_id: tutorId }).first()).payouts_enabled;
const recorded = async (id: string) => (await api.container.resources.db('stripe_events').where({ id }).first()) !== undefined;

describe('POST /api/webhooks/stripe', () => {
  it('processes a signed account.updated once: payouts become enabled', async () => {
    const { tutorId, accountId } = await tutorWithAccount();
    const event = accountUpdated(accountId, true);
    // Whitespace and key order as Stripe sent them: the signature is over these exact bytes.
    const payload = JSON.stringify(event, null, 2);

    const delivered = await deliver(payload);
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    expect(delivered.body).toEqual({ received: true, duplicate: false });
    expect(await payoutsEnabled(tutorId)).toBe(true);
    expect(await recorded(event.id)).toBe(true);
  });

  it('does not process a redelivered event again', async () => {
    const { tutorId, accountId } = await tutorWithAccount();
    const payload = JSON.stringify(accountUpdated(accountId, true));
    expect((await deliver(payload)).body.duplicate).toBe(false);
    // Change the state behind the event's back: a re-processing would set it again.
    await api.container.resources.db('tutor_profiles').where({ user_id: tutorId }).update({ payouts_enabled: false });

    const again = await deliver(payload);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ received: true, duplicate: true });
    expect(await payoutsEnabled(tutorId)).toBe(false);
  });

  it('refuses a tampered body with 400 and records nothing', async () => {
    const { tutorId, accountId } = await tutorWithAccount();
    const event = accountUpdated(accountId, false);
    const payload = JSON.stringify(event);
    const tampered = payload.replace('"payouts_enabled":false', '"payouts_enabled":true');
    const refused = await deliver(payload, { body: tampered });
    expect(refused.status).toBe(400);
    expect(refused.body.type).toBe('urn:tutorflow:problem:invalid-input');
    expect(await payoutsEnabled(tutorId)).toBe(false);
    expect(await recorded(event.id)).toBe(false);
  });

  it('refuses a stale timestamp (a replay) with 400', async () => {
    const { tutorId, accountId } = await tutorWithAccount();
    const event = accountUpdated(accountId, true);
    const refused = await deliver(JSON.stringify(event), { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(refused.status).toBe(400);
    expect(await payoutsEnabled(tutorId)).toBe(false);
    expect(await recorded(event.id)).toBe(false);
  });

  it('refuses another secret, a missing signature and a body too large', async () => {
    const payload = JSON.stringify(accountUpdated('acct_nobody', true));
    expect((await deliver(payload, { secret: 'whsec_someone_else' })).status).toBe(400);
    expect((await deliver(payload, { signature: null })).status).toBe(400);
    const huge = JSON.stringify({ ...accountUpdated('acct_nobody', true), padding: 'x'.repeat(600 * 1024) });
    expect((await deliver(huge)).status).toBe(413);
  });

  it('lets a newer account.updated win over an older one delivered late', async () => {
    const { tutorId, accountId } = await tutorWithAccount();
    const now = Math.floor(Date.now() / 1000);
    expect((await deliver(JSON.stringify(accountUpdated(accountId, true, now)))).status).toBe(200);
    expect((await deliver(JSON.stringify(accountUpdated(accountId, false, now - 60)))).status).toBe(200);
    expect(await payoutsEnabled(tutorId)).toBe(true);
    expect((await deliver(JSON.stringify(accountUpdated(accountId, false, now + 1)))).status).toBe(200);
    expect(await payoutsEnabled(tutorId)).toBe(false);
  });

  it('records events nobody handles, and dispatches registered handlers by type', async () => {
    const ignored = { ...accountUpdated('acct_x', true), type: 'balance.available' };
    expect((await deliver(JSON.stringify(ignored))).body).toEqual({ received: true, duplicate: false });
    expect(await recorded(ignored.id)).toBe(true);

    const seen: string[] = [];
    api.container.app.payments.webhooks.registerStripeEventHandler('payment_intent.succeeded', async (event) => {
      seen.push(event.id);
    });
    const succeeded = { ...accountUpdated('acct_x', true), type: 'payment_intent.succeeded', data: { object: { id: 'pi_123', object: 'payment_intent' } } };
    expect((await deliver(JSON.stringify(succeeded))).status).toBe(200);
    expect((await deliver(JSON.stringify(succeeded))).body.duplicate).toBe(true);
    expect(seen).toEqual([succeeded.id]);
  });

  it('forgets an event whose handler failed, so the redelivery is processed', async () => {
    let attempts = 0;
    api.container.app.payments.webhooks.registerStripeEventHandler('payout.failed', async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('database hiccup');
    });
    const event = { ...accountUpdated('acct_x', true), type: 'payout.failed', data: { object: { id: 'po_1', object: 'payout' } } };
    expect((await deliver(JSON.stringify(event))).status).toBe(500);
    expect(await recorded(event.id)).toBe(false);
    const retried = await deliver(JSON.stringify(event));
    expect(retried.body).toEqual({ received: true, duplicate: false });
    expect(attempts).toBe(2);
  });
});
