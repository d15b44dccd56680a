/**
 * A rate limit counts a route however its path is spelled: after /api/auth/login answers 429,
 * /API/auth/login and /api/auth/login/ are refused too (they were not limited at all), and the
 * general budget counts /API/me with /api/me. A Redis of this file's own keeps the counts apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../../scripts/stack/index.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';

let redis: Awaited<ReturnType<typeof startRedisServer>>;
let api: RunningApi;
let student: TestUser;

beforeAll(async () => {
  redis = await startRedisServer();
  api = await startTestApi({ REDIS_URL: redis.url, LOGIN_RATE_LIMIT: '3/minute', RATE_LIMIT_PER_MINUTE: '20' });
  student = await createTestUser(api.container.resources.db, api.config, 'student');
});
afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

const login = (path: string) =>
  fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'nobody@example.test', password: 'a wrong password' }),
  });

describe('rate limits keyed on the route, not its spelling', () => {
  it('refuses the login route under every spelling once its budget is spent', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) expect((await login('/api/auth/login')).status).toBe(401);
    for (const path of ['/api/auth/login', '/API/auth/login', '/api/auth/login/', '/Api/Auth/Login//', '//api//auth/login']) {
      const response = await login(path);
      expect(response.status, path).toBe(429);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('counts other spellings against the general budget too', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 25; attempt++) {
      const path = attempt % 2 === 0 ? '/API/me' : '/api/me/';
      statuses.push((await fetch(`${api.baseUrl}${path}`, { headers: student.auth })).status);
    }
    expect(statuses.filter((status) => status === 404).length).toBeGreaterThan(0);
    expect(statuses.at(-1)).toBe(429);
    expect((await fetch(`${api.baseUrl}/api/me`, { headers: student.auth })).status).toBe(429);
  });
});
