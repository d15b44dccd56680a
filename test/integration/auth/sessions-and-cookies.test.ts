/**
 * Sign-in hardening on the real API: a Google sign-in bound to the browser that started it (login
 * CSRF), refresh tokens in an HttpOnly cookie for browsers, and the account's sessions: change the
 * password (others end), list them, end one (another account's is a 404).
 */
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

const PASSWORD = 'correct horse battery staple';
const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;

interface Answer {
  status: number;
  body: Json;
  cookies: string[];
}

async function call(method: string, path: string, options: ApiCall = {}): Promise<Answer> {
  const answer = await callApi(api.baseUrl, method, path, { redirect: 'manual', ...options });
  return { status: answer.status, body: answer.body, cookies: answer.headers.getSetCookie() };
}

/** The Set-Cookie line for a cookie name, and the `name=value` pair a browser would send back. */
function cookieOf(answer: Answer, name: string): { line: string; pair: string; value: string } | undefined {
  const line = answer.cookies.find((cookie) => cookie.startsWith(`${name}=`));
  if (!line) return undefined;
  const pair = line.split(';')[0]!;
  return { line, pair, value: pair.slice(name.length + 1) };
}

const signUp = (email = uniqueEmail('user'), headers: Record<string, string> = {}) =>
  call('POST', '/api/auth/register', { body: { email, password: PASSWORD, displayName: 'Someone', timeZone: 'UTC' }, headers });
const login = (email: string, password = PASSWORD, headers: Record<string, string> = {}) => call('POST', '/api/auth/login', { body: { email, password }, headers });

describe('Google sign-in bound to the browser that started it', () => {
  async function googleConsent(email: string): Promise<{ callbackQuery: string; cookie: { line: string; pair: string } }> {
    const queued = await fetch(`${fakes.fakes.url}/_fake/google/users`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email }) });
    expect(queued.status).toBe(201);
    const start = await call('GET', '/api/auth/google/start');
    expect(start.status).toBe(200);
    const page = await fetch(start.body.authorizationUrl, { redirect: 'manual' });
    return { callbackQuery: new URL(page.headers.get('location')!).search, cookie: cookieOf(start, 'tf_google_signin')! };
  }

  it('sets a short-lived HttpOnly, SameSite=Lax cookie at start, scoped to the Google routes', async () => {
    const start = await call('GET', '/api/auth/google/start');
    const cookie = cookieOf(start, 'tf_google_signin')!;
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.line).toMatch(/; HttpOnly/);
    expect(cookie.line).toMatch(/; Secure/);
    expect(cookie.line).toMatch(/; SameSite=Lax/);
    expect(cookie.line).toMatch(/; Path=\/api\/auth\/google(;|$)/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie.line)![1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(api.config.auth.oauthStateTtlMs / 1000);
    // The secret is kept only as a hash.
    const states = await api.container.resources.db('oauth_states').select('browser_binding_hash');
    expect(states.some((row: { browser_binding_hash: string }) => row.browser_binding_hash.includes(cookie.value))).toBe(false);
  });

  it("refuses an attacker's callback replayed in a victim's browser, and spends the state", async () => {
    const attackerEmail = uniqueEmail('attacker');
    const attacker = await googleConsent(attackerEmail);
    // The victim's browser has no binding cookie, or one from its own sign-in.
    const victimStart = await call('GET', '/api/auth/google/start');
    const victimCookie = cookieOf(victimStart, 'tf_google_signin')!.pair;

    const forged = await call('GET', `/api/auth/google/callback${attacker.callbackQuery}`, { cookie: victimCookie });
    expect(forged.status).toBe(400);
    expect(forged.body.detail).toMatch(/started in another browser/);
    expect(forged.cookies.find((line) => line.startsWith('tf_refresh='))).toBeUndefined();
    expect(await api.container.resources.db('users').where({ email: attackerEmail }).first()).toBeUndefined();

    // The state is spent: not even the attacker's own browser can use it now.
    expect((await call('GET', `/api/auth/google/callback${attacker.callbackQuery}`, { cookie: attacker.cookie.pair })).status).toBe(400);
  });

  it('refuses a callback with no binding cookie at all', async () => {
    const { callbackQuery } = await googleConsent(uniqueEmail('cookieless'));
    const refused = await call('GET', `/api/auth/google/callback${callbackQuery}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe('cookie.tf_google_signin');
  });

  it('signs in the browser that started it, and clears its cookie', async () => {
    const email = uniqueEmail('rightful');
    const { callbackQuery, cookie } = await googleConsent(email);
    const signedIn = await call('GET', `/api/auth/google/callback${callbackQuery}`, { cookie: cookie.pair });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect(signedIn.body.account.email).toBe(email);
    expect(cookieOf(signedIn, 'tf_google_signin')?.line).toMatch(/Max-Age=0/);
  });
});

describe('refresh tokens in a cookie, for browsers', () => {
  it('puts the refresh token in an HttpOnly; Secure; SameSite=Strict cookie on the refresh path, not in the JSON', async () => {
    const signedUp = await signUp(uniqueEmail('browser'), { 'Refresh-Token-Transport': 'cookie' });
    expect(signedUp.status).toBe(201);
    expect(signedUp.body.tokens.refreshToken).toBeUndefined();
    expect(signedUp.body.tokens.accessToken).toEqual(expect.any(String));
    const cookie = cookieOf(signedUp, 'tf_refresh')!;
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/api/auth/refresh']) expect(cookie.line.split('; ')).toContain(attribute);

    // The cookie refreshes; the next refresh token comes back as the cookie again.
    const refreshed = await call('POST', '/api/auth/refresh', { body: {}, cookie: cookie.pair });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.refreshToken).toBeUndefined();
    const next = cookieOf(refreshed, 'tf_refresh')!;
    expect(next.value).not.toBe(cookie.value);
    expect((await call('GET', '/api/me', { token: refreshed.body.accessToken })).status).toBe(200);

    // The spent one, after the reuse interval, still counts as reuse: the session ends, and the refused cookie is cleared.
    await api.container.resources.db('refresh_tokens').where({ session_id: signedUp.body.tokens.sessionId }).whereNotNull('used_at').update({ used_at: new Date(Date.now() - 60_000) });
    const reused = await call('POST', '/api/auth/refresh', { body: {}, cookie: cookie.pair });
    expect(reused.status).toBe(401);
    expect(cookieOf(reused, 'tf_refresh')?.line).toMatch(/Max-Age=0/);
    expect((await call('POST', '/api/auth/refresh', { body: {}, cookie: next.pair })).status).toBe(401);
  });

  it('keeps the JSON body for apps, and clears the cookie at logout', async () => {
    const email = uniqueEmail('app');
    await signUp(email);
    const app = await login(email);
    expect(app.body.tokens.refreshToken).toEqual(expect.any(String));
    expect(cookieOf(app, 'tf_refresh')).toBeUndefined();
    const refreshed = await call('POST', '/api/auth/refresh', { body: { refreshToken: app.body.tokens.refreshToken } });
    expect(refreshed.body.refreshToken).toEqual(expect.any(String));

    const browser = await login(email, PASSWORD, { 'Refresh-Token-Transport': 'cookie' });
    const loggedOut = await call('POST', '/api/auth/logout', { token: browser.body.tokens.accessToken });
    expect(loggedOut.status).toBe(204);
    expect(cookieOf(loggedOut, 'tf_refresh')?.line).toMatch(/Max-Age=0/);
    expect((await call('POST', '/api/auth/refresh', { body: {}, cookie: cookieOf(browser, 'tf_refresh')!.pair })).status).toBe(401);
  });

  it('answers 401 to a refresh with neither a body token nor the cookie', async () => {
    const refused = await call('POST', '/api/auth/refresh', { body: {} });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toMatch(/No refresh token/);
  });
});

describe("an account's sessions", () => {
  async function threeSessions() {
    const email = uniqueEmail('devices');
    const laptop = (await signUp(email)).body.tokens;
    const phone = (await login(email)).body.tokens;
    const tablet = (await login(email)).body.tokens;
    return { email, laptop, phone, tablet };
  }

  it('lists the live sessions, newest first, marking the current one', async () => {
    const { laptop, phone, tablet } = await threeSessions();
    await call('POST', '/api/auth/logout', { token: tablet.accessToken });
    const listed = await call('GET', '/api/auth/sessions', { token: phone.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((session: Json) => session.id)).toEqual([phone.sessionId, laptop.sessionId]);
    expect(listed.body.items.map((session: Json) => session.current)).toEqual([true, false]);
    expect(listed.body.items[0]).toMatchObject({ method: 'password', lastRefreshedAt: null, createdAt: expect.any(String), expiresAt: expect.any(String) });
  });

  it("ends one of your own sessions, and answers 404 for another account's", async () => {
    const mine = await threeSessions();
    const theirs = await threeSessions();
    const foreign = await call('DELETE', `/api/auth/sessions/${theirs.phone.sessionId}`, { token: mine.laptop.accessToken });
    expect(foreign.status).toBe(404);
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: theirs.phone.refreshToken } })).status).toBe(200);
    expect((await call('DELETE', `/api/auth/sessions/${randomUUID()}`, { token: mine.laptop.accessToken })).status).toBe(404);

    expect((await call('DELETE', `/api/auth/sessions/${mine.phone.sessionId}`, { token: mine.laptop.accessToken })).status).toBe(204);
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: mine.phone.refreshToken } })).status).toBe(401);
    expect((await call('GET', '/api/me', { token: mine.phone.accessToken })).status).toBe(401);
    expect((await call('GET', '/api/me', { token: mine.laptop.accessToken })).status).toBe(200);
    // Already ended: nothing left to end.
    expect((await call('DELETE', `/api/auth/sessions/${mine.phone.sessionId}`, { token: mine.laptop.accessToken })).status).toBe(404);
    const row = await api.container.resources.db('auth_sessions').where({ id: mine.phone.sessionId }).first();
    expect(row.revoked_reason).toBe('revoked_by_user');
  });

  it('changes the password with the current one, ending every other session but this one', async () => {
    const { email, laptop, phone, tablet } = await threeSessions();
    const wrong = await call('POST', '/api/auth/password/change', { token: laptop.accessToken, body: { currentPassword: 'not my password', newPassword: 'a brand new passphrase' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('body.currentPassword');
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: phone.refreshToken } })).status).toBe(200);

    const changed = await call('POST', '/api/auth/password/change', { token: laptop.accessToken, body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(204);

    expect((await call('GET', '/api/me', { token: laptop.accessToken })).status).toBe(200);
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: laptop.refreshToken } })).status).toBe(200);
    for (const other of [phone, tablet]) expect((await call('GET', '/api/me', { token: other.accessToken })).status).toBe(401);
    expect((await call('POST', '/api/auth/refresh', { body: { refreshToken: tablet.refreshToken } })).status).toBe(401);
    const reasons = await api.container.resources.db('auth_sessions').whereIn('id', [phone.sessionId, tablet.sessionId]).pluck('revoked_reason');
    expect(reasons).toEqual(['password_change', 'password_change']);
    expect((await login(email)).status).toBe(401);
    expect((await login(email, 'a brand new passphrase')).status).toBe(200);
  });

  it('refuses a new password that breaks the rules, and an account without a password', async () => {
    const { laptop } = await threeSessions();
    const weak = await call('POST', '/api/auth/password/change', { token: laptop.accessToken, body: { currentPassword: PASSWORD, newPassword: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].path).toBe('body.newPassword');

    const queued = await fetch(`${fakes.fakes.url}/_fake/google/users`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: uniqueEmail('google-only') }) });
    expect(queued.status).toBe(201);
    const start = await call('GET', '/api/auth/google/start');
    const page = await fetch(start.body.authorizationUrl, { redirect: 'manual' });
    const google = await call('GET', `/api/auth/google/callback${new URL(page.headers.get('location')!).search}`, { cookie: cookieOf(start, 'tf_google_signin')!.pair });
    const noPassword = await call('POST', '/api/auth/password/change', { token: google.body.tokens.accessToken, body: { currentPassword: 'anything at all', newPassword: 'a brand new passphrase' } });
    expect(noPassword.status).toBe(409);
  });
});
