import { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { isAlive } from '../../scripts/stack/process/liveness.js';
import { canConnect } from '../../scripts/stack/readiness/probes.js';
import {
  BOOKING_SEARCH_ATTRIBUTES,
  STACK_PROFILES,
  freePort,
  stackEnv,
  stackStatus,
  startRedisServer,
  startStack,
} from '../../scripts/stack/index.js';
import { REPO_ROOT } from '../support/paths.js';

describe('startRedisServer', () => {
  test('runs a private redis that answers PING and is really gone after stop()', async () => {
    const redis = await startRedisServer({ port: await freePort() });
    // The app's own client, so this proves more than our raw-socket readiness probe.
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    try {
      await client.connect();
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }

    await redis.stop();

    expect(isAlive(redis.pid)).toBe(false);
    expect(await canConnect(redis.port, '127.0.0.1')).toBe(false);
  });

  test('SIGKILL stops it like a crash would', async () => {
    const redis = await startRedisServer();
    await redis.stop('SIGKILL');
    expect(isAlive(redis.pid)).toBe(false);
    expect(await canConnect(redis.port, '127.0.0.1')).toBe(false);
  });
});

describe('startStack', () => {
  // The global setup has started the test stack, so this call finds redis already running.
  test('stop() leaves alone what the call found already running', async () => {
    const stack = await startStack({ root: REPO_ROOT, profile: 'test', services: ['redis'] });
    expect(stack.alreadyRunning).toEqual(['redis']);
    expect(stack.started).toEqual([]);

    await stack.stop();

    const redis = (await stackStatus({ root: REPO_ROOT, profile: 'test' })).find((s) => s.service === 'redis');
    expect(redis?.state).toBe('running');
  });
});

describe('profiles', () => {
  test('dev and test never share a port', () => {
    const portsOf = (name: 'dev' | 'test'): number[] =>
      Object.values(STACK_PROFILES[name].ports).filter((port): port is number => port !== null);
    const dev = portsOf('dev');
    expect(portsOf('test').filter((port) => dev.includes(port))).toEqual([]);
  });

  test('stackEnv gives the app its connection settings', () => {
    expect(stackEnv('test')).toMatchObject({
      DATABASE_URL: 'postgres://tutorflow:tutorflow@127.0.0.1:55439/tutorflow_test',
      REDIS_URL: 'redis://127.0.0.1:6399',
      TEMPORAL_ADDRESS: '127.0.0.1:7243',
      TEMPORAL_NAMESPACE: 'default',
      S3_ENDPOINT: 'http://127.0.0.1:9200',
      S3_BUCKET: 'tutorflow-test',
      STRIPE_API_BASE: 'http://127.0.0.1:12121',
    });
    expect(stackEnv('test')).not.toHaveProperty('TEMPORAL_UI_URL');
    expect(stackEnv('dev').TEMPORAL_UI_URL).toBe('http://127.0.0.1:8233');
  });

  test('the booking search attributes are the five the workflows set', () => {
    expect(Object.keys(BOOKING_SEARCH_ATTRIBUTES).sort()).toEqual(['Attention', 'BookingStatus', 'PaymentStatus', 'SessionStart', 'StudentId', 'TutorId']);
  });
});
