import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../../scripts/stack/index.js';
import { freePort } from '../../../scripts/stack/util/free-port.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { AvailabilityEventLog } from './event-log.js';
import { createTestTutor, send } from './fixtures.js';

let api: RunningApi;
let events: AvailabilityEventLog;
let student: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  events = await AvailabilityEventLog.listen(api.config.redis.url);
  student = await createTestUser(api.container.resources.db, api.config, 'student');
});
afterAll(async () => {
  events.close();
  await api.close();
});

const newTutor = (timeZone = 'Europe/Berlin') => createTestTutor(api.container.resources.db, api.config, { timeZone });
const call = (method: string, path: string, user: TestUser | undefined, body?: unknown) => send(api.baseUrl, method, path, user, body);

const week = [
  { weekday: 3, start: '14:00', end: '18:00' },
  { weekday: 1, start: '12:00', end: '15:00' },
  { weekday: 1, start: '09:00', end: '12:00' },
];

describe('weekly rules', () => {
  it('start empty, in the profile’s zone', async () => {
    const tutor = await newTutor();
    const { status, body } = await call('GET', '/api/me/availability/rules', tutor);
    expect(status).toBe(200);
    expect(body).toEqual({ timeZone: 'Europe/Berlin', rules: [] });
  });

  it('are replaced as a whole week, announced on Redis once committed', async () => {
    const tutor = await newTutor();
    const first = await call('PUT', '/api/me/availability/rules', tutor, { rules: week });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      timeZone: 'Europe/Berlin',
      rules: [
        { weekday: 1, start: '09:00', end: '12:00' },
        { weekday: 1, start: '12:00', end: '15:00' },
        { weekday: 3, start: '14:00', end: '18:00' },
      ],
    });

    const second = await call('PUT', '/api/me/availability/rules', tutor, { rules: [{ weekday: 0, start: '22:00', end: '24:00' }] });
    expect(second.body.rules).toEqual([{ weekday: 0, start: '22:00', end: '24:00' }]);
    expect((await call('GET', '/api/me/availability/rules', tutor)).body.rules).toEqual([{ weekday: 0, start: '22:00', end: '24:00' }]);

    const published = await events.forTutor(tutor.id, 2);
    expect(published).toHaveLength(2);
    for (const event of published) {
      expect(event).toEqual({ tutorId: tutor.id, reason: 'rules', changedAt: expect.any(String) });
      expect(Number.isNaN(Date.parse(event.changedAt))).toBe(false);
    }
  });

  it('change the profile’s zone together with the rules', async () => {
    const tutor = await newTutor();
    const { status, body } = await call('PUT', '/api/me/availability/rules', tutor, { timeZone: 'america/new_york', rules: week });
    expect(status).toBe(200);
    expect(body.timeZone).toBe('America/New_York');
    const stored = await api.container.resources.db('tutor_profiles').where('user_id', tutor.id).first();
    expect(stored.time_zone).toBe('America/New_York');
  });

  it.each([
    ['an unknown zone', { timeZone: 'Mars/Olympus_Mons', rules: week }, 'body.timeZone'],
    ['a UTC offset as zone', { timeZone: '+02:00', rules: week }, 'body.timeZone'],
    ['overlapping spans', { rules: [...week, { weekday: 1, start: '11:00', end: '13:00' }] }, 'body.rules.3'],
    ['an end before the start', { rules: [...week, { weekday: 5, start: '12:00', end: '09:00' }] }, 'body.rules.3'],
    ['an end equal to the start', { rules: [{ weekday: 5, start: '12:00', end: '12:00' }] }, 'body.rules.0'],
    ['a bad weekday', { rules: [{ weekday: 7, start: '09:00', end: '12:00' }] }, 'body.rules.0.weekday'],
    ['a bad clock time', { rules: [{ weekday: 2, start: '9:00', end: '12:00' }] }, 'body.rules.0.start'],
  ])('refuse %s with 400 and write nothing', async (_case, payload, errorPath) => {
    const tutor = await newTutor();
    await call('PUT', '/api/me/availability/rules', tutor, { rules: week });
    const before = (await events.forTutor(tutor.id, 1)).length;

    const { status, body } = await call('PUT', '/api/me/availability/rules', tutor, payload);
    expect(status).toBe(400);
    expect(body.type).toBe('urn:tutorflow:problem:invalid-input');
    expect(body.errors.map((error: { path: string }) => error.path)).toContain(errorPath);

    const after = await call('GET', '/api/me/availability/rules', tutor);
    expect(after.body.timeZone).toBe('Europe/Berlin');
    expect(after.body.rules).toHaveLength(3);
    expect(events.events.filter((event) => event.tutorId === tutor.id)).toHaveLength(before);
  });
});

describe('who may edit', () => {
  it('a student gets 403 on every owner route; no token gets 401', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/me/availability/rules'],
      ['PUT', '/api/me/availability/rules', { rules: week }],
      ['GET', '/api/me/availability/overrides'],
      ['POST', '/api/me/availability/overrides', { date: '2027-01-04', kind: 'off' }],
      ['GET', '/api/me/availability/settings'],
      ['PUT', '/api/me/availability/settings', { bufferMinutes: 0, minimumNoticeMinutes: 0, bookingHorizonDays: 30, slotStepMinutes: 30 }],
    ] as [string, string, unknown?][]) {
      expect((await call(method, path, student, body)).status, `${method} ${path}`).toBe(403);
      expect((await call(method, path, undefined, body)).status, `${method} ${path}`).toBe(401);
    }
  });

  it('another tutor acts only on their own availability, and cannot remove someone else’s override', async () => {
    const owner = await newTutor();
    const other = await newTutor();
    await call('PUT', '/api/me/availability/rules', owner, { rules: week });
    const override = await call('POST', '/api/me/availability/overrides', owner, { date: '2027-01-04', kind: 'off' });

    await call('PUT', '/api/me/availability/rules', other, { rules: [] });
    expect((await call('GET', '/api/me/availability/rules', owner)).body.rules).toHaveLength(3);

    const removal = await call('DELETE', `/api/me/availability/overrides/${override.body.id}`, other);
    expect(removal.status).toBe(404);
    expect((await call('GET', '/api/me/availability/overrides?from=2027-01-01', owner)).body.items).toHaveLength(1);
  });

  it('a tutor without a profile is told to create it first', async () => {
    const tutor = await createTestUser(api.container.resources.db, api.config, 'tutor');
    const { status, body } = await call('PUT', '/api/me/availability/rules', tutor, { rules: week });
    expect(status).toBe(404);
    expect(body.detail).toMatch(/tutor profile/);
    expect(await api.container.resources.db('availability_rules').where('tutor_id', tutor.id)).toEqual([]);
  });
});

describe('date overrides', () => {
  it('are added, listed by date and removed', async () => {
    const tutor = await newTutor();
    const off = await call('POST', '/api/me/availability/overrides', tutor, { date: '2027-01-05', kind: 'off' });
    expect(off.status).toBe(201);
    expect(off.body).toEqual({ id: expect.any(String), date: '2027-01-05', kind: 'off', start: null, end: null, createdAt: expect.any(String) });
    const extra = await call('POST', '/api/me/availability/overrides', tutor, { date: '2027-01-04', kind: 'extra', start: '18:00', end: '20:30' });
    expect(extra.status).toBe(201);
    expect(extra.body).toMatchObject({ date: '2027-01-04', kind: 'extra', start: '18:00', end: '20:30' });

    const listed = await call('GET', '/api/me/availability/overrides?from=2027-01-01&to=2027-01-31', tutor);
    expect(listed.body.items.map((item: { date: string }) => item.date)).toEqual(['2027-01-04', '2027-01-05']);
    expect((await call('GET', '/api/me/availability/overrides?from=2027-01-05&to=2027-01-05', tutor)).body.items).toHaveLength(1);

    expect((await call('DELETE', `/api/me/availability/overrides/${off.body.id}`, tutor)).status).toBe(204);
    expect((await call('DELETE', `/api/me/availability/overrides/${off.body.id}`, tutor)).status).toBe(404);
    expect((await call('GET', '/api/me/availability/overrides?from=2027-01-01', tutor)).body.items).toHaveLength(1);

    const published = await events.forTutor(tutor.id, 3);
    expect(published.map((event) => event.reason)).toEqual(['overrides', 'overrides', 'overrides']);
  });

  it.each([
    ['extra hours without a span', { date: '2027-01-04', kind: 'extra' }, 'body'],
    ['half a span', { date: '2027-01-04', kind: 'off', start: '10:00' }, 'body'],
    ['an end before the start', { date: '2027-01-04', kind: 'extra', start: '10:00', end: '09:00' }, 'body'],
    ['a date that does not exist', { date: '2027-02-30', kind: 'off' }, 'body.date'],
    ['an unknown kind', { date: '2027-01-04', kind: 'holiday' }, 'body.kind'],
  ])('refuse %s with 400 and write nothing', async (_case, payload, errorPath) => {
    const tutor = await newTutor();
    const { status, body } = await call('POST', '/api/me/availability/overrides', tutor, payload);
    expect(status).toBe(400);
    expect(body.errors.map((error: { path: string }) => error.path)).toContain(errorPath);
    expect(await api.container.resources.db('availability_overrides').where('tutor_id', tutor.id)).toEqual([]);
  });
});

describe('scheduling settings', () => {
  const settings = { bufferMinutes: 15, minimumNoticeMinutes: 240, bookingHorizonDays: 90, slotStepMinutes: 15 };

  it('answer the defaults, then what was saved', async () => {
    const tutor = await newTutor();
    expect((await call('GET', '/api/me/availability/settings', tutor)).body).toEqual({
      bufferMinutes: 0,
      minimumNoticeMinutes: 720,
      bookingHorizonDays: 60,
      slotStepMinutes: 30,
    });
    const saved = await call('PUT', '/api/me/availability/settings', tutor, settings);
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual(settings);
    expect((await call('GET', '/api/me/availability/settings', tutor)).body).toEqual(settings);
    expect((await events.forTutor(tutor.id, 1)).map((event) => event.reason)).toEqual(['settings']);
  });

  it.each([
    ['a slot step off the list', { ...settings, slotStepMinutes: 7 }, 'body.slotStepMinutes'],
    ['a negative buffer', { ...settings, bufferMinutes: -5 }, 'body.bufferMinutes'],
    ['a horizon of zero days', { ...settings, bookingHorizonDays: 0 }, 'body.bookingHorizonDays'],
    ['a missing field', { bufferMinutes: 0, minimumNoticeMinutes: 0, bookingHorizonDays: 30 }, 'body.slotStepMinutes'],
  ])('refuse %s with 400 and write nothing', async (_case, payload, errorPath) => {
    const tutor = await newTutor();
    const { status, body } = await call('PUT', '/api/me/availability/settings', tutor, payload);
    expect(status).toBe(400);
    expect(body.errors.map((error: { path: string }) => error.path)).toContain(errorPath);
    expect(await api.container.resources.db('tutor_scheduling').where('tutor_id', tutor.id)).toEqual([]);
  });
});

describe('when Redis is down', () => {
  let downApi: RunningApi;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let redisDir: string;

  beforeAll(async () => {
    // A Redis of this test's own, so stopping it disturbs no other test file.
    redisDir = await mkdtemp(path.join(os.tmpdir(), 'tutorflow-availability-redis-'));
    redis = await startRedisServer({ port: await freePort(), dir: redisDir });
    downApi = await startTestApi({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await downApi.close();
    await redis.stop();
    await rm(redisDir, { recursive: true, force: true });
  });

  it('the change still succeeds and is stored', async () => {
    const tutor = await createTestTutor(downApi.container.resources.db, downApi.config, { timeZone: 'UTC' });
    await redis.stop();
    const { status, body } = await send(downApi.baseUrl, 'PUT', '/api/me/availability/rules', tutor, { rules: week });
    expect(status).toBe(200);
    expect(body.rules).toHaveLength(3);
    expect(await downApi.container.resources.db('availability_rules').where('tutor_id', tutor.id)).toHaveLength(3);
  });
});
