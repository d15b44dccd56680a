import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type SessionRevoked } from '../../../domain/events.js';
import { AccessTokens, TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../../services/auth/access-tokens.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { callApi, readJson, type ApiCall, type Json } from '../../support/http.js';
import { startTestFakes, tokenFromEmail, waitForEmail, type TestFakes } from '../../support/fakes.js';

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
const PASSWORD = 'correct horse battery staple';

const call = (method: string, path: string, options: ApiCall = {}) => callApi(api.baseUrl, method, path, options);

async function register(email: string, overrides: Record<string, unknown> = {}) {
  return call('POST', '/api/auth/register', { body: { email, password: PASSWORD, displayName: 'Ada Lovelace', role: 'tutor', timeZone: 'Europe/Paris', ...overrides } });
}

const login = (email: string, password = PASSWORD) => call('POST', '/api/auth/login', { body: { email, password } });
const me = (token: string) => call('GET', '/api/me', { token });
const refresh = (refreshToken: string) => call('POST', '/api/auth/refresh', { body: { refreshToken } });

describe('an account with a password, from registration to logout', () => {
  const email = uniqueEmail('ada');
  let registered: Json;
  let subscriber: Redis;
  const revocations: SessionRevoked[] = [];

  beforeAll(async () => {
    subscriber = new Redis(api.config.redis.url);
    await subscriber.subscribe(CHANNELS.sessionRevoked);
    subscriber.on('message', (_channel, message: string) => revocations.push(JSON.parse(message) as SessionRevoked));
  });
  afterAll(() => subscriber.disconnect());

  it('registers, signs in at once, and is unverified until the emailed link is opened', async () => {
    const response = await register(email);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    registered = response.body;
    expect(registered.account).toMatchObject({ email, role: 'tutor', displayName: 'Ada Lovelace', timeZone: 'Europe/Paris', emailVerified: false, hasPassword: true, googleLinked: false });
    expect(registered.tokens).toMatchObject({ tokenType: 'Bearer', sessionId: expect.any(String) });

    const profile = await me(registered.tokens.accessToken);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ id: registered.account.id, emailVerified: false });

    const stored = await api.container.resources.db('users').where({ email }).first();
    expect(stored.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('verifies the address with the token from the email, once', async () => {
    const message = await waitForEmail(fakes.fakes, email, (m) => m.subject === 'Confirm your email address');
    expect(message.tags).toEqual(['verify-email']);
    const token = tokenFromEmail(message);

    expect((await call('POST', '/api/auth/email/verify', { body: { token } })).status).toBe(204);
    expect((await me(registered.tokens.accessToken)).body.emailVerified).toBe(true);

    const again = await call('POST', '/api/auth/email/verify', { body: { token } });
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual([{ path: 'body.token', message: expect.stringMatching(/not valid/) }]);

    // The link's secret does not stay readable in the outbox once the email went out.
    const row = await api.container.resources.db('email_outbox').where({ recipient_email: email, template: 'verify-email' }).first();
    expect(row.status).toBe('sent');
    expect(row.params).toEqual({});
  });

  it('sends no second link to a verified address, nor twice within a minute', async () => {
    const verified = await call('POST', '/api/auth/email/verification', { token: registered.tokens.accessToken });
    expect(verified.status).toBe(409);

    const fresh = uniqueEmail('resend');
    const { body } = await register(fresh);
    const resent = await call('POST', '/api/auth/email/verification', { token: body.tokens.accessToken });
    expect(resent.status).toBe(202);
    expect(await api.container.resources.db('email_outbox').where({ recipient_email: fresh }).count({ n: '*' })).toEqual([{ n: '1' }]);
  });

  it('rotates refresh tokens, and ends the whole session when a used one comes back', async () => {
    const signedIn = await login(email);
    expect(signedIn.status).toBe(200);
    const first = signedIn.body.tokens;
    expect(first.sessionId).not.toBe(registered.tokens.sessionId);

    const rotated = await refresh(first.refreshToken);
    expect(rotated.status).toBe(200);
    const second = rotated.body;
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await me(second.accessToken)).status).toBe(200);

    // Presented again after the reuse interval (a moment later is the same browser racing itself).
    await api.container.resources.db('refresh_tokens').where({ session_id: first.sessionId }).whereNotNull('used_at').update({ used_at: new Date(Date.now() - 60_000) });
    const replayed = await refresh(first.refreshToken);
    expect(replayed.status).toBe(401);
    expect(replayed.body.detail).toMatch(/already used/);

    // The newer refresh token and every access token of the session stop working.
    expect((await refresh(second.refreshToken)).status).toBe(401);
    expect((await me(second.accessToken)).status).toBe(401);
    expect((await me(first.accessToken)).status).toBe(401);
    await expect.poll(() => revocations).toContainEqual({ userId: registered.account.id, sessionId: first.sessionId });

    // Other sessions of the same person are not affected.
    expect((await me(registered.tokens.accessToken)).status).toBe(200);
    const session = await api.container.resources.db('auth_sessions').where({ id: first.sessionId }).first();
    expect(session.revoked_reason).toBe('refresh_token_reuse');
  });

  it('logs out: the session access token and refresh token stop working', async () => {
    const { accessToken, refreshToken, sessionId } = registered.tokens;
    expect((await call('POST', '/api/auth/logout', { token: accessToken })).status).toBe(204);
    expect((await me(accessToken)).status).toBe(401);
    expect((await me(accessToken)).body.detail).toMatch(/session has ended/);
    expect((await refresh(refreshToken)).status).toBe(401);
    await expect.poll(() => revocations).toContainEqual({ userId: registered.account.id, sessionId });
  });
});

describe('refusals', () => {
  it('answers a wrong password and an unknown email with the same 401', async () => {
    const email = uniqueEmail('grace');
    expect((await register(email)).status).toBe(201);
    const wrongPassword = await login(email, 'not the password at all');
    const unknownEmail = await login(uniqueEmail('nobody'), 'not the password at all');
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const { requestId: _a, ...wrong } = wrongPassword.body;
    const { requestId: _b, ...unknown } = unknownEmail.body;
    expect(wrong).toEqual(unknown);
    expect(wrong.detail).toBe('The email or password is not correct');
  });

  it('refuses a second account with the same address, whatever its case', async () => {
    const email = uniqueEmail('alan');
    expect((await register(email)).status).toBe(201);
    const duplicate = await register(email.toUpperCase());
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a weak password with field errors and writes nothing', async () => {
    const email = uniqueEmail('weak');
    const short = await register(email, { password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.errors).toEqual([{ path: 'body.password', message: 'must be at least 10 characters long' }]);

    const sameAsEmail = await register(email, { password: email });
    expect(sameAsEmail.status).toBe(400);
    expect(sameAsEmail.body.errors).toEqual([{ path: 'body.password', message: 'must not be your email address' }]);

    const db = api.container.resources.db;
    expect(await db('users').where({ email }).first()).toBeUndefined();
    expect(await db('email_outbox').where({ recipient_email: email }).first()).toBeUndefined();
  });

  it('refuses an admin role and a made-up time zone', async () => {
    const response = await register(uniqueEmail('mallory'), { role: 'admin', timeZone: 'Mars/Olympus_Mons' });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((issue: Json) => issue.path).sort()).toEqual(['body.role', 'body.timeZone']);
  });

  it('stores the canonical spelling of a time zone', async () => {
    const response = await register(uniqueEmail('tz'), { timeZone: 'europe/paris' });
    expect(response.status).toBe(201);
    expect(response.body.account.timeZone).toBe('Europe/Paris');
  });

  it('refuses forged, expired and unsigned access tokens', async () => {
    const { body } = await register(uniqueEmail('tokens'));
    const subject = { userId: body.account.id, role: 'student' as const, sessionId: body.tokens.sessionId };

    const forged = await new AccessTokens('someone-elses-secret-key-that-is-long-enough', 60_000).issue(subject);
    expect((await me(forged.token)).status).toBe(401);

    const expired = await new AccessTokens(api.config.secretKey, -60_000).issue(subject);
    const expiredAnswer = await me(expired.token);
    expect(expiredAnswer.status).toBe(401);
    expect(expiredAnswer.body.detail).toMatch(/expired/);

    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { sub: subject.userId, role: 'admin', sid: subject.sessionId, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 };
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
    expect((await me(unsigned)).status).toBe(401);

    expect((await me(body.tokens.accessToken)).status).toBe(200);
  });

  it('keeps a disabled account out of login and refresh', async () => {
    const email = uniqueEmail('disabled');
    const { body } = await register(email);
    await api.container.resources.db('users').where({ email }).update({ disabled_at: new Date() });

    const attempt = await login(email);
    expect(attempt.status).toBe(401);
    expect(attempt.body.detail).toMatch(/disabled/);
    expect((await refresh(body.tokens.refreshToken)).status).toBe(401);
  });
});

describe('password reset', () => {
  it('answers the same for unknown addresses and sends nothing', async () => {
    const unknown = uniqueEmail('ghost');
    const response = await call('POST', '/api/auth/password/forgot', { body: { email: unknown } });
    expect(response.status).toBe(202);
    expect(response.body.detail).toBe('If an account uses this address, a reset link is on its way');
    expect(await api.container.resources.db('email_outbox').where({ recipient_email: unknown }).first()).toBeUndefined();
  });

  it('changes the password with the emailed token and ends every session', async () => {
    const email = uniqueEmail('reset');
    const registered = (await register(email)).body.tokens;
    const other = (await login(email)).body.tokens;

    const asked = await call('POST', '/api/auth/password/forgot', { body: { email: email.toUpperCase() } });
    expect(asked.status).toBe(202);
    expect(asked.body.detail).toBe('If an account uses this address, a reset link is on its way');
    const message = await waitForEmail(fakes.fakes, email, (m) => m.subject === 'Reset your password');
    const token = tokenFromEmail(message);

    const weak = await call('POST', '/api/auth/password/reset', { body: { token, password: 'tiny' } });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].path).toBe('body.password');

    const newPassword = 'a completely different passphrase';
    expect((await call('POST', '/api/auth/password/reset', { body: { token, password: newPassword } })).status).toBe(204);

    for (const tokens of [registered, other]) {
      expect((await me(tokens.accessToken)).status).toBe(401);
      expect((await refresh(tokens.refreshToken)).status).toBe(401);
    }
    expect((await login(email)).status).toBe(401);
    expect((await login(email, newPassword)).status).toBe(200);
    expect((await call('POST', '/api/auth/password/reset', { body: { token, password: 'yet another long passphrase' } })).status).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('describes every sign-in route with its schemas and errors', async () => {
    const document = await readJson(await fetch(`${api.baseUrl}/openapi.json`));
    const register = document.paths['/api/auth/register'].post;
    expect(register.requestBody.content['application/json'].schema).toBeDefined();
    expect(register.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SignedIn' });
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['400', '409', '429']));
    expect(document.paths['/api/auth/google/callback'].get.responses['409']).toBeDefined();
    expect(document.paths['/api/me'].get.responses['401']).toBeDefined();
    for (const path of ['/api/auth/login', '/api/auth/refresh', '/api/auth/logout', '/api/auth/email/verify', '/api/auth/email/verification', '/api/auth/password/forgot', '/api/auth/password/reset', '/api/auth/google/start']) {
      expect(document.paths[path], path).toBeDefined();
    }
    expect(document.components.schemas.Account.properties.emailVerified).toBeDefined();
  });
});
