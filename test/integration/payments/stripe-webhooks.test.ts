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
  return { status: response.status, body: (await readJson(response)) as Json, retryAfter: response.headers.get('retry-after') };
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

  it('counts an event as processed only after its handlers succeed: a failed attempt leaves no trace, the redelivery is processed', async () => {
    const { tutorId } = await tutorWithAccount();
    let attempts = 0;
    const { webhooks } = api.container.app.payments;
    // The first handler writes in the event's transaction; the second dies on the first delivery.
    webhooks.registerStripeEventHandler('payout.failed', async (_event, { trx }) => {
      await trx('tutor_profiles').where({ user_id: tutorId }).update({ payouts_enabled: true });
    });
    webhooks.registerStripeEventHandler('payout.failed', async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('database hiccup');
    });
    const event = { ...accountUpdated('acct_x', true), type: 'payout.failed', data: { object: { id: 'po_1', object: 'payout' } } };
    expect((await deliver(JSON.stringify(event))).status).toBe(500);
    expect(await recorded(event.id)).toBe(false);
    expect(await payoutsEnabled(tutorId)).toBe(false);

    const retried = await deliver(JSON.stringify(event));
    expect(retried.body).toEqual({ received: true, duplicate: false });
    expect(attempts).toBe(2);
    expect(await recorded(event.id)).toBe(true);
    expect(await payoutsEnabled(tutorId)).toBe(true);
  });

  it('loses no event when the process dies in the middle of its handlers: the redelivery is processed', async () => {
    let attempts = 0;
    api.container.app.payments.webhooks.registerStripeEventHandler('payout.canceled', async (_event, { trx }) => {
      attempts += 1;
      // The database side of a crash: the connection holding the event's transaction goes away.
      if (attempts === 1) await trx.raw('select pg_terminate_backend(pg_backend_pid())');
    });
    const event = { ...accountUpdated('acct_x', true), type: 'payout.canceled', data: { object: { id: 'po_2', object: 'payout' } } };
    // A connection lost under the handler is the database being unavailable (503); Stripe redelivers either way.
    expect((await deliver(JSON.stringify(event))).status).toBe(503);
    expect(await recorded(event.id)).toBe(false);
    expect((await deliver(JSON.stringify(event))).body).toEqual({ received: true, duplicate: false });
    expect(await recorded(event.id)).toBe(true);
    expect(attempts).toBe(2);
  });

  describe('two deliveries of one event at the same time', () => {
    /** A handler that holds its delivery until released, and counts its runs. */
    function heldHandler(type: string, outcomes: ('succeed' | 'fail')[]) {
      const held: (() => void)[] = [];
      let runs = 0;
      api.container.app.payments.webhooks.registerStripeEventHandler(type, async () => {
        const outcome = outcomes[runs] ?? 'succeed';
        runs += 1;
        await new Promise<void>((release) => held.push(release));
        if (outcome === 'fail') throw new Error('handler failed');
      });
      return { release: () => held.shift()?.(), runs: () => runs, waiting: () => held.length };
    }

    /** Resolves once some delivery waits on the event's row, held by another one. */
    async function secondDeliveryWaiting(): Promise<void> {
      const { db } = api.container.resources;
      for (let tries = 0; tries < 200; tries++) {
        const waiting = await db.raw(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike '%stripe_events%'",
        );
        if (waiting.rows[0].n > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('the second delivery never waited for the first');
    }

    const eventOf = (type: string) => ({ ...accountUpdated('acct_x', true), type, data: { object: { id: 'tr_1', object: 'transfer' } } });

    it('runs the handlers once: the second waits, then answers duplicate', async () => {
      const handler = heldHandler('transfer.created', ['succeed']);
      const payload = JSON.stringify(eventOf('transfer.created'));
      const first = deliver(payload);
      await expect.poll(handler.waiting).toBe(1);
      const second = deliver(payload);
      await secondDeliveryWaiting();
      handler.release();
      expect((await first).body).toEqual({ received: true, duplicate: false });
      expect((await second).body).toEqual({ received: true, duplicate: true });
      expect(handler.runs()).toBe(1);
    });

    it('processes the event in the second delivery when the first fails', async () => {
      const handler = heldHandler('transfer.updated', ['fail', 'succeed']);
      const event = eventOf('transfer.updated');
      const payload = JSON.stringify(event);
      const first = deliver(payload);
      await expect.poll(handler.waiting).toBe(1);
      const second = deliver(payload);
      await secondDeliveryWaiting();
      handler.release();
      expect((await first).status).toBe(500);
      await expect.poll(handler.waiting).toBe(1);
      handler.release();
      expect((await second).body).toEqual({ received: true, duplicate: false });
      expect(handler.runs()).toBe(2);
      expect(await recorded(event.id)).toBe(true);
    });

    it('answers 503 with Retry-After when the first takes longer than the wait, and Stripe delivers it again later', async () => {
      const handler = heldHandler('transfer.reversed', ['succeed']);
      const event = eventOf('transfer.reversed');
      const payload = JSON.stringify(event);
      const first = deliver(payload);
      await expect.poll(handler.waiting).toBe(1);
      const second = await deliver(payload);
      expect(second.status).toBe(503);
      expect(second.body.type).toBe('urn:tutorflow:problem:unavailable');
      expect(second.retryAfter).toBe('5');
      handler.release();
      expect((await first).body).toEqual({ received: true, duplicate: false });
      expect((await deliver(payload)).body).toEqual({ received: true, duplicate: true });
      expect(handler.runs()).toBe(1);
    });
  });
});
