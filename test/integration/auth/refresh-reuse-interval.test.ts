/**
 * Refresh-token rotation's reuse interval on the real API: the same refresh token presented twice at
 * nearly the same moment (a page reloaded while its own refresh is in flight, two tabs) gets the
 * same successor and the session lives on; a reuse after the interval, of an older token, or in a
 * session that has ended still ends the whole session (theft detection), as before.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type SessionRevoked } from '../../../domain/events.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { callApi, type Json } from '../../support/http.js';
import { startTestFakes, type TestFakes } from '../../support/fakes.js';

let fakes: TestFakes;
let api: RunningApi;
let subscriber: Redis;
const revocations: SessionRevoked[] = [];

beforeAll(async () => {
  fakes = await startTestFakes();
  api = await startTestApi(fakes.overrides);
  subscriber = new Redis(api.config.redis.url);
  await subscriber.subscribe(CHANNELS.sessionRevoked);
  subscriber.on('message', (_channel, message: string) => revocations.push(JSON.parse(message) as SessionRevoked));
});
afterAll(async () => {
  subscriber?.disconnect();
  await api?.close();
  await fakes?.close();
});

const PASSWORD = 'correct horse battery staple';
const call = (method: string, path: string, options: Parameters<typeof callApi>[3] = {}) => callApi(api.baseUrl, method, path, options);
const refresh = (refreshToken: string) => call('POST', '/api/auth/refresh', { body: { refreshToken } });
const me = (token: string) => call('GET', '/api/me', { token });
const sessionRow = (id: string) => api.container.resources.db('auth_sessions').where({ id }).first();

async function signUp(headers: Record<string, string> = {}): Promise<{ userId: string; tokens: Json; cookie?: string }> {
  const email = `reuse-${randomUUID().slice(0, 8)}@example.test`;
  const answer = await call('POST', '/api/auth/register', { body: { email, password: PASSWORD, displayName: 'Someone', timeZone: 'UTC' }, headers });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('tf_refresh='))?.split(';')[0];
  return { userId: answer.body.account.id, tokens: answer.body.tokens, ...(cookie ? { cookie } : {}) };
}

/** Moves the session's spent tokens' use back past the reuse interval, as if that much time had gone by. */
async function ageSpentTokens(sessionId: string): Promise<void> {
  const seconds = api.config.auth.refreshTokenReuseIntervalMs / 1000 + 1;
  await api.container.resources
    .db('refresh_tokens')
    .where({ session_id: sessionId })
    .whereNotNull('used_at')
    .update({ used_at: api.container.resources.db.raw(`used_at - make_interval(secs => ?)`, [seconds]) });
}

describe('a refresh token presented twice at nearly the same moment', () => {
  it('answers concurrent refreshes of one token all with 200 and the same successor; the session lives on', async () => {
    const { tokens } = await signUp();
    const answers = await Promise.all([refresh(tokens.refreshToken), refresh(tokens.refreshToken), refresh(tokens.refreshToken)]);
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const successors = new Set(answers.map((answer) => answer.body.refreshToken as string));
    expect(successors.size).toBe(1);
    expect(successors.has(tokens.refreshToken)).toBe(false);
    for (const answer of answers) {
      expect(answer.body.sessionId).toBe(tokens.sessionId);
      expect((await me(answer.body.accessToken)).status).toBe(200);
    }
    expect((await sessionRow(tokens.sessionId)).revoked_at).toBeNull();

    // The successor rotates as usual, and the chain goes on.
    const next = await refresh([...successors][0]!);
    expect(next.status).toBe(200);
    expect((await me(next.body.accessToken)).status).toBe(200);
    expect((await refresh(next.body.refreshToken)).status).toBe(200);
  });

  it('gives a browser (cookie transport) racing itself the same tf_refresh cookie twice', async () => {
    const { cookie } = await signUp({ 'Refresh-Token-Transport': 'cookie' });
    const answers = await Promise.all([1, 2].map(() => call('POST', '/api/auth/refresh', { body: {}, cookie: cookie! })));
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const cookies = answers.map((answer) => answer.headers.getSetCookie().find((line) => line.startsWith('tf_refresh='))!.split(';')[0]);
    expect(cookies[0]).not.toBe(cookie);
    expect(cookies[1]).toBe(cookies[0]);
    expect((await call('POST', '/api/auth/refresh', { body: {}, cookie: cookies[0]! })).status).toBe(200);
  });

  it('ends the whole session when the spent token comes back after the reuse interval', async () => {
    const { userId, tokens } = await signUp();
    const rotated = await refresh(tokens.refreshToken);
    expect(rotated.status).toBe(200);
    await ageSpentTokens(tokens.sessionId);

    const reused = await refresh(tokens.refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body.detail).toMatch(/already used/);
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
    expect((await me(rotated.body.accessToken)).status).toBe(401);
    expect((await sessionRow(tokens.sessionId)).revoked_reason).toBe('refresh_token_reuse');
    await expect.poll(() => revocations).toContainEqual({ userId, sessionId: tokens.sessionId });
  });

  it('ends the whole session when an older token (not the last spent one) comes back, even within the interval', async () => {
    const { userId, tokens } = await signUp();
    const second = await refresh(tokens.refreshToken);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);
    // Once its successor is spent, the first token no longer keeps it at all.
    const [first] = await api.container.resources.db('refresh_tokens').where({ session_id: tokens.sessionId }).orderBy('created_at').limit(1);
    expect(first.successor_sealed).toBeNull();

    const reused = await refresh(tokens.refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body.detail).toMatch(/already used/);
    expect((await refresh(third.body.refreshToken)).status).toBe(401);
    expect((await me(third.body.accessToken)).status).toBe(401);
    await expect.poll(() => revocations).toContainEqual({ userId, sessionId: tokens.sessionId });
  });

  it('never hands a successor to a token whose session has ended', async () => {
    const { tokens } = await signUp();
    const rotated = await refresh(tokens.refreshToken);
    expect((await call('POST', '/api/auth/logout', { token: rotated.body.accessToken })).status).toBe(204);
    const again = await refresh(tokens.refreshToken);
    expect(again.status).toBe(401);
    expect(again.body.refreshToken).toBeUndefined();
  });
});
