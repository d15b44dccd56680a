import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStripeClient } from '../../../integrations/stripe.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { callApi } from '../../support/http.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { startStripeRecorder, type StripeRecorder } from '../../support/stripe-recorder.js';

const PUBLIC_BASE_URL = 'https://app.tutorflow.test';

let api: RunningApi;
let stripe: StripeRecorder;

beforeAll(async () => {
  stripe = await startStripeRecorder();
  api = await startTestApi({ STRIPE_API_BASE: stripe.url, PUBLIC_BASE_URL, STRIPE_CONNECT_DEFAULT_COUNTRY: 'GB' });
});
afterAll(async () => {
  await api.close();
  await stripe.close();
});
beforeEach(() => stripe.clear());

const send = (method: string, path: string, user: TestUser | undefined, body?: unknown) => callApi(api.baseUrl, method, path, { user, body });

const user = (role: 'student' | 'tutor' | 'admin') => createTestUser(api.container.resources.db, api.config, role);

async function tutorWithProfile(): Promise<TestUser> {
  const tutor = await user('tutor');
  expect((await send('PUT', '/api/me/tutor-profile', tutor, { hourlyRateMinor: 4000, currency: 'GBP', timeZone: 'Europe/London' })).status).toBe(200);
  return tutor;
}

describe('tutor payouts onboarding (Stripe Connect Express)', () => {
  it('creates the connected account once and answers a fresh onboarding link each time', async () => {
    const tutor = await tutorWithProfile();
    const first = await send('POST', '/api/me/payouts/onboarding', tutor, {});
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.accountId).toMatch(/^acct_/);
    expect(first.body.url).toMatch(/^https:\/\//);

    const [account] = stripe.requests({ method: 'POST', path: '/v1/accounts' });
    expect(account?.status).toBe(200);
    expect(account?.body).toMatchObject({ type: 'express', country: 'GB', email: tutor.email, capabilities: { transfers: { requested: 'true' } } });
    expect(account?.idempotencyKey).toBe(`connect-account:${tutor.id}:GB`);
    const [link] = stripe.requests({ method: 'POST', path: '/v1/account_links' });
    expect(link?.body).toEqual({
      account: first.body.accountId,
      type: 'account_onboarding',
      // The API's own routes (signed state): they work where the web app is not served (development).
      refresh_url: expect.stringMatching(new RegExp(`^${PUBLIC_BASE_URL}/api/payouts/onboarding/refresh\\?state=`)),
      return_url: expect.stringMatching(new RegExp(`^${PUBLIC_BASE_URL}/api/payouts/onboarding/return\\?state=`)),
    });
    expect(link?.idempotencyKey).toEqual(expect.stringContaining(tutor.id));

    const stored = await api.container.resources.db('tutor_profiles').where({ user_id: tutor.id }).first();
    expect(stored.stripe_account_id).toBe(first.body.accountId);

    const second = await send('POST', '/api/me/payouts/onboarding', tutor, { country: 'US' });
    expect(second.status).toBe(200);
    expect(second.body.accountId).toBe(first.body.accountId);
    expect(stripe.requests({ method: 'POST', path: '/v1/accounts' })).toHaveLength(1);
    const links = stripe.requests({ method: 'POST', path: '/v1/account_links' });
    expect(links).toHaveLength(2);
    expect(links[0]!.idempotencyKey).not.toBe(links[1]!.idempotencyKey);

    const status = await send('GET', '/api/me/payouts', tutor);
    expect(status.body).toEqual({ accountId: first.body.accountId, payoutsEnabled: false });
  });

  it('needs a tutor profile, and is for tutors only', async () => {
    const newcomer = await user('tutor');
    expect((await send('POST', '/api/me/payouts/onboarding', newcomer, {})).status).toBe(409);
    expect((await send('GET', '/api/me/payouts', newcomer)).body).toEqual({ accountId: null, payoutsEnabled: false });
    expect((await send('POST', '/api/me/payouts/onboarding', await user('student'), {})).status).toBe(403);
    expect((await send('GET', '/api/me/payouts', await user('admin'))).status).toBe(403);
    expect((await send('POST', '/api/me/payouts/onboarding', undefined, {})).status).toBe(401);
    expect((await send('POST', '/api/me/payouts/onboarding', newcomer, { country: 'gb' })).status).toBe(400);
    expect(stripe.requests()).toEqual([]);
  });

  it('answers 503 when Stripe cannot be reached, and stores nothing', async () => {
    const tutor = await tutorWithProfile();
    stripe.failNext(3, 500);
    const failed = await send('POST', '/api/me/payouts/onboarding', tutor, {});
    expect(failed.status).toBe(503);
    expect(failed.body.detail).not.toMatch(/Injected|api_error/);
    expect((await api.container.resources.db('tutor_profiles').where({ user_id: tutor.id }).first()).stripe_account_id).toBeNull();
  });
});

describe('saved cards (SetupIntent)', () => {
  it('creates the customer once and a SetupIntent for off-session use each time', async () => {
    const student = await user('student');
    const first = await send('POST', '/api/me/payment-methods/setup-intent', student);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.clientSecret).toMatch(/^seti_.+_secret_/);
    expect(first.body.customerId).toMatch(/^cus_/);

    const [customer] = stripe.requests({ method: 'POST', path: '/v1/customers' });
    expect(customer?.idempotencyKey).toBe(`customer:${student.id}`);
    expect(customer?.body).toMatchObject({ email: student.email, name: student.displayName });
    const [intent] = stripe.requests({ method: 'POST', path: '/v1/setup_intents' });
    expect(intent?.body).toMatchObject({ customer: first.body.customerId, usage: 'off_session', allowed_payment_method_types: ['card'] });
    expect(intent?.idempotencyKey).toEqual(expect.any(String));

    const stored = await api.container.resources.db('student_profiles').where({ user_id: student.id }).first();
    expect(stored.stripe_customer_id).toBe(first.body.customerId);

    const second = await send('POST', '/api/me/payment-methods/setup-intent', student);
    expect(second.body.customerId).toBe(first.body.customerId);
    expect(stripe.requests({ method: 'POST', path: '/v1/customers' })).toHaveLength(1);
    expect(stripe.requests({ method: 'POST', path: '/v1/setup_intents' })).toHaveLength(2);
  });

  it("lists the cards saved on the customer's SetupIntents, and none without asking Stripe before a customer exists", async () => {
    const student = await user('student');
    expect((await send('GET', '/api/me/payment-methods', student)).body).toEqual({ items: [] });
    expect(stripe.requests()).toEqual([]);

    const { body } = await send('POST', '/api/me/payment-methods/setup-intent', student);
    expect((await send('GET', '/api/me/payment-methods', student)).body).toEqual({ items: [] });
    // What Stripe.js does in the browser with the client secret: confirm the SetupIntent with the card.
    await createStripeClient(api.config.stripe).setupIntents.confirm(body.setupIntentId, { payment_method: 'pm_card_mastercard' });
    const cards = await send('GET', '/api/me/payment-methods', student);
    expect(cards.status).toBe(200);
    expect(cards.body.items).toEqual([{ id: 'pm_card_mastercard', brand: 'mastercard', last4: '4444', expMonth: expect.any(Number), expYear: expect.any(Number) }]);
    const [listed] = stripe.requests({ method: 'GET', path: `/v1/customers/${body.customerId}/payment_methods` });
    expect(listed?.query).toMatchObject({ type: 'card' });
  });

  it('is for students only', async () => {
    for (const role of ['tutor', 'admin'] as const) {
      const someone = await user(role);
      expect((await send('POST', '/api/me/payment-methods/setup-intent', someone)).status).toBe(403);
      expect((await send('GET', '/api/me/payment-methods', someone)).status).toBe(403);
    }
    expect((await send('GET', '/api/me/payment-methods', undefined)).status).toBe(401);
    expect(stripe.requests()).toEqual([]);
  });
});
