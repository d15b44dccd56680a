/**
 * Rate limits against a Redis of this file's own (stopping it must not disturb other test files,
 * and counts must not mix with theirs), with the limits of the original design.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../../scripts/stack/index.js';
import { createTestUser } from '../../support/fixtures.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { callApi, type ApiCall } from '../../support/http.js';
import { startTestFakes, type TestFakes } from '../../support/fakes.js';

type ThrowawayRedis = Awaited<ReturnType<typeof startRedisServer>>;

const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;
const PASSWORD = 'a long enough password';

let fakes: TestFakes;
beforeAll(async () => {
  fakes = await startTestFakes();
});
afterAll(() => fakes?.close());

const call = (api: RunningApi, method: string, path: string, options: ApiCall = {}) => callApi(api.baseUrl, method, path, options);

const registration = (email: string) => ({ email, password: PASSWORD, displayName: 'Rate Limited', timeZone: 'UTC' });

describe('rate limits on Redis', () => {
  let redis: ThrowawayRedis;
  let api: RunningApi;

  beforeAll(async () => {
    redis = await startRedisServer();
    api = await startTestApi({ ...fakes.overrides, REDIS_URL: redis.url, REGISTRATION_RATE_LIMIT: '5/minute', LOGIN_RATE_LIMIT: '10/minute', RATE_LIMIT_PER_MINUTE: '60' });
  });
  afterAll(async () => {
    await api?.close();
    await redis?.stop();
  });

  it('refuses the sixth registration in a minute with 429 and Retry-After, and writes nothing', async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await call(api, 'POST', '/api/auth/register', { body: registration(uniqueEmail(`r${attempt}`)) });
      expect(response.status, `attempt ${attempt}`).toBe(201);
    }
    const sixth = uniqueEmail('r6');
    const refused = await call(api, 'POST', '/api/auth/register', { body: registration(sixth) });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.type).toBe('urn:tutorflow:problem:rate-limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(await api.container.resources.db('users').where({ email: sixth }).first()).toBeUndefined();

    // Counted in Redis, where every API process sees the same numbers.
    const inspector = new Redis(redis.url);
    try {
      expect(await inspector.hget('tutorflow:rate:register:ip:127.0.0.1', 'c')).toBe('5');
    } finally {
      inspector.disconnect();
    }

    // Login has a budget of its own.
    expect((await call(api, 'POST', '/api/auth/login', { body: { email: sixth, password: PASSWORD } })).status).toBe(401);
  });

  it('gives each signed-in user a general budget of their own, and leaves health checks alone', async () => {
    const limited = await startTestApi({ REDIS_URL: redis.url, RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const first = await createTestUser(limited.container.resources.db, limited.config, 'student');
      const second = await createTestUser(limited.container.resources.db, limited.config, 'student');
      for (let i = 0; i < 3; i++) expect((await call(limited, 'GET', '/api/me', { token: first.token })).status).toBe(200);
      const refused = await call(limited, 'GET', '/api/me', { token: first.token });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await call(limited, 'GET', '/api/me', { token: second.token })).status).toBe(200);
      expect((await call(limited, 'GET', '/api/health/integrity')).status).not.toBe(429);
      expect((await call(limited, 'GET', '/health')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('while Redis is down', () => {
  let redis: ThrowawayRedis;
  let api: RunningApi;

  beforeAll(async () => {
    redis = await startRedisServer();
    api = await startTestApi({ ...fakes.overrides, REDIS_URL: redis.url, LOGIN_RATE_LIMIT: '3/minute', RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await api?.close();
    await redis?.stop();
  });

  it('still signs people in, checks sessions in Postgres, limits in memory, and recovers', async () => {
    const email = uniqueEmail('outage');
    const registered = await call(api, 'POST', '/api/auth/register', { body: registration(email) });
    expect(registered.status).toBe(201);
    const port = redis.port;
    await redis.stop();
    await expect.poll(() => api.container.resources.redis.status).not.toBe('ready');

    const login = () => call(api, 'POST', '/api/auth/login', { body: { email, password: PASSWORD } });
    const signedIn = await login();
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    const { accessToken, sessionId } = signedIn.body.tokens;
    expect((await call(api, 'GET', '/api/me', { token: accessToken })).status).toBe(200);

    // A session ended by another process during the outage is refused: the check reads Postgres.
    const earlier = registered.body.tokens;
    expect((await call(api, 'GET', '/api/me', { token: earlier.accessToken })).status).toBe(200);
    await api.container.resources.db('auth_sessions').where({ id: earlier.sessionId }).update({ revoked_at: new Date(), revoked_reason: 'logout' });
    expect((await call(api, 'GET', '/api/me', { token: earlier.accessToken })).status).toBe(401);

    // A logout during the outage still ends the session at once.
    expect((await call(api, 'POST', '/api/auth/logout', { token: accessToken })).status).toBe(204);
    expect((await call(api, 'GET', '/api/me', { token: accessToken })).status).toBe(401);

    // The login limit (3 a minute) still holds, counted in this process.
    expect((await login()).status).toBe(200);
    expect((await login()).status).toBe(200);
    const refused = await login();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // Redis returns (empty): counting moves back to it, and the logout made during the outage reaches it.
    redis = await startRedisServer({ port });
    await expect.poll(() => api.container.resources.redis.status, { timeout: 10_000 }).toBe('ready');
    const inspector = new Redis(redis.url);
    try {
      await expect.poll(() => inspector.exists(`tutorflow:revoked-session:${sessionId}`), { timeout: 10_000 }).toBe(1);
      expect((await login()).status).toBe(200);
      expect(await inspector.hget('tutorflow:rate:login:ip:127.0.0.1', 'c')).toBe('1');
    } finally {
      inspector.disconnect();
    }
    expect((await call(api, 'GET', '/api/me', { token: accessToken })).status).toBe(401);
  });
});
