import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { callApi, type ApiCall, type Json } from '../../support/http.js';
import { startTestFakes, type TestFakes } from '../../support/fakes.js';

let fakes: TestFakes;
let api: RunningApi;

beforeAll(async () => {
  fakes = await startTestFakes();
  api = await startTestApi(fakes.overrides);
});
afterAll(async () => {
  await api?.close();
  await fakes?.close();
});

const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;

const call = (method: string, path: string, options: ApiCall = {}) => callApi(api.baseUrl, method, path, options);

/** Queues the identity Google will return, through the fake's own inspection API. */
async function googleUser(identity: { email: string; email_verified?: boolean; name?: string; sub?: string; decline?: boolean; tamper?: string }): Promise<Json> {
  const response = await fetch(`${fakes.fakes.url}/_fake/google/users`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(identity) });
  expect(response.status).toBe(201);
  return response.json();
}

/**
 * Start → Google's consent page (the fake consents at once) → the query our callback receives, and
 * the browser-binding cookie /start set (a browser would send it back to the callback).
 */
async function consent(startQuery = ''): Promise<{ authorizationUrl: URL; callbackQuery: string; cookie: string }> {
  const started = await fetch(`${api.baseUrl}/api/auth/google/start${startQuery}`);
  const start = { status: started.status, body: (await started.json()) as Json };
  expect(start.status, JSON.stringify(start.body)).toBe(200);
  const cookie = started.headers.getSetCookie().find((line) => line.startsWith('tf_google_signin='))!.split(';')[0]!;
  const authorizationUrl = new URL(start.body.authorizationUrl);
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(page.status).toBe(302);
  const back = new URL(page.headers.get('location')!);
  expect(back.pathname).toBe('/api/auth/google/callback');
  return { authorizationUrl, callbackQuery: back.search, cookie };
}

async function signInWithGoogle(startQuery = '') {
  const { callbackQuery, cookie } = await consent(startQuery);
  return call('GET', `/api/auth/google/callback${callbackQuery}`, { cookie });
}

describe('sign-in with Google', () => {
  it('sends the browser to Google with a state and a PKCE challenge', async () => {
    const { authorizationUrl } = await consent();
    expect(authorizationUrl.toString().startsWith(`${fakes.fakes.url}/google/o/oauth2/v2/auth`)).toBe(true);
    expect(authorizationUrl.searchParams.get('client_id')).toBe(api.config.google.clientId);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorizationUrl.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorizationUrl.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email']));
  });

  it('creates an account keyed on the Google subject, with the role asked for at start', async () => {
    const email = uniqueEmail('grace');
    const identity = await googleUser({ email, name: 'Grace Hopper' });
    const created = await signInWithGoogle('?role=tutor&timeZone=Europe/Berlin');
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.outcome).toBe('created');
    expect(created.body.account).toMatchObject({ email, role: 'tutor', displayName: 'Grace Hopper', timeZone: 'Europe/Berlin', emailVerified: true, hasPassword: false, googleLinked: true });
    const me = await call('GET', '/api/me', { token: created.body.tokens.accessToken });
    expect(me.body.id).toBe(created.body.account.id);
    const row = await api.container.resources.db('users').where({ id: created.body.account.id }).first();
    expect(row.google_sub).toBe(identity.sub);

    // The same Google account later, even with another address on it, is the same account.
    await googleUser({ email: uniqueEmail('grace-renamed'), sub: identity.sub });
    const again = await signInWithGoogle();
    expect(again.body.outcome).toBe('signed_in');
    expect(again.body.account.id).toBe(created.body.account.id);
  });

  it('makes new accounts students unless asked otherwise', async () => {
    await googleUser({ email: uniqueEmail('student') });
    const created = await signInWithGoogle();
    expect(created.body.account.role).toBe('student');
    expect(created.body.account.timeZone).toBe('UTC');
  });

  it('links to an existing account with the same address when Google verified it', async () => {
    const email = uniqueEmail('linked');
    const registered = await call('POST', '/api/auth/register', { body: { email, password: 'a long enough password', displayName: 'Katherine', timeZone: 'UTC' } });
    expect(registered.body.account.emailVerified).toBe(false);

    await googleUser({ email: email.toUpperCase(), email_verified: true });
    const linked = await signInWithGoogle('?role=tutor');
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    expect(linked.body.outcome).toBe('linked');
    expect(linked.body.account).toMatchObject({ id: registered.body.account.id, role: 'student', googleLinked: true, hasPassword: true, emailVerified: true });
    expect((await call('POST', '/api/auth/login', { body: { email, password: 'a long enough password' } })).status).toBe(200);
  });

  it('refuses to link when Google has not verified the address', async () => {
    const email = uniqueEmail('unverified');
    const registered = await call('POST', '/api/auth/register', { body: { email, password: 'a long enough password', displayName: 'Owner', timeZone: 'UTC' } });

    await googleUser({ email, email_verified: false });
    const refused = await signInWithGoogle();
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('urn:tutorflow:problem:conflict');
    expect(refused.body.detail).toMatch(/Google has not verified/);
    const row = await api.container.resources.db('users').where({ id: registered.body.account.id }).first();
    expect(row.google_sub).toBeNull();
    expect(await api.container.resources.db('auth_sessions').where({ user_id: registered.body.account.id, method: 'google' }).first()).toBeUndefined();
  });

  it('creates an unverified account when Google has not verified a new address', async () => {
    await googleUser({ email: uniqueEmail('fresh-unverified'), email_verified: false });
    const created = await signInWithGoogle();
    expect(created.body.outcome).toBe('created');
    expect(created.body.account.emailVerified).toBe(false);
  });

  it('accepts a state once, and no made-up state', async () => {
    await googleUser({ email: uniqueEmail('replay') });
    const { callbackQuery, cookie } = await consent();
    expect((await call('GET', `/api/auth/google/callback${callbackQuery}`, { cookie })).status).toBe(200);
    const replayed = await call('GET', `/api/auth/google/callback${callbackQuery}`, { cookie });
    expect(replayed.status).toBe(400);
    expect(replayed.body.errors[0].path).toBe('query.state');
    expect((await call('GET', '/api/auth/google/callback?state=invented-state-value&code=whatever', { cookie })).status).toBe(400);
  });

  for (const tamper of ['signature', 'audience', 'issuer']) {
    it(`refuses an ID token with a wrong ${tamper}`, async () => {
      const email = uniqueEmail(`tampered-${tamper}`);
      await googleUser({ email, tamper });
      const refused = await signInWithGoogle();
      expect(refused.status).toBe(401);
      expect(refused.body.detail).toMatch(/ID token from Google is not valid/);
      expect(await api.container.resources.db('users').where({ email }).first()).toBeUndefined();
    });
  }

  it('signs nobody in when the person declines on Google', async () => {
    await googleUser({ email: uniqueEmail('declines'), decline: true });
    const declined = await signInWithGoogle();
    expect(declined.status).toBe(401);
    expect(declined.body.detail).toMatch(/access_denied/);
  });
});
