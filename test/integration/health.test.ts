import { mkdtemp, rm } from 'node:fs/promises';
import { readJson } from '../support/http.js';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/stack/util/free-port.js';
import { startRedisServer } from '../../scripts/stack/index.js';
import { startTestApi, type RunningApi } from '../support/harness.js';

describe('GET /health', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('answers without touching any dependency', async () => {
    const response = await fetch(`${api.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await readJson(response)).toEqual({ status: 'ok' });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports every dependency up, with latency', async () => {
    const response = await fetch(`${api.baseUrl}/api/health/integrity`);
    const report = await readJson(response);
    expect(response.status, JSON.stringify(report)).toBe(200);
    expect(report.status).toBe('ok');
    for (const name of ['postgres', 'redis', 'temporal', 'objectStorage']) {
      expect(report.dependencies[name].status).toBe('up');
      expect(report.dependencies[name].latencyMs).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('GET /api/health/integrity when Redis stops', () => {
  let api: RunningApi;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let redisDir: string;

  beforeAll(async () => {
    // A Redis of this test's own, so stopping it cannot disturb the other test files.
    redisDir = await mkdtemp(path.join(os.tmpdir(), 'tutorflow-redis-'));
    redis = await startRedisServer({ port: await freePort(), dir: redisDir });
    api = await startTestApi({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await api.close();
    await redis.stop();
    await rm(redisDir, { recursive: true, force: true });
  });

  it('answers 503 naming Redis, while the others stay up', async () => {
    const before = await fetch(`${api.baseUrl}/api/health/integrity`);
    expect(before.status).toBe(200);

    await redis.stop();

    const after = await fetch(`${api.baseUrl}/api/health/integrity`);
    const report = await readJson(after);
    expect(after.status).toBe(503);
    expect(report.status).toBe('degraded');
    expect(report.dependencies.redis.status).toBe('down');
    expect(report.dependencies.redis.error).toEqual(expect.any(String));
    expect(report.dependencies.postgres.status).toBe('up');
    expect(report.dependencies.temporal.status).toBe('up');
    expect(report.dependencies.objectStorage.status).toBe('up');
  });
});
