/**
 * Fault scenario 6: a Redis of this scenario's own crashes (SIGKILL) under two API + realtime
 * instances. Rate limiting falls back to each process's memory (still limiting, never a 500); ws
 * fan-out degrades to local delivery and recovers when Redis is back; presence recovers; no message
 * is lost — the instance that missed messages during the outage catches up through the history.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startRedisServer, type ThrowawayRedis } from '../../scripts/stack/index.js';
import { createTestUser, type TestUser } from '../support/fixtures.js';
import { callApi, type Json } from '../support/http.js';
import { startRealtimeCluster, TestClient, type RealtimeCluster } from '../support/realtime.js';
import { report } from './support/invariants.js';
import { fullHistory, outgoing, sendUnacknowledged } from './support/messages.js';

const LIMIT_PER_MINUTE = 40;

let redis: ThrowawayRedis;
let cluster: RealtimeCluster;
let student: TestUser;
let tutor: TestUser;

beforeAll(async () => {
  redis = await startRedisServer();
  cluster = await startRealtimeCluster(2, { REDIS_URL: redis.url, RATE_LIMIT_PER_MINUTE: String(LIMIT_PER_MINUTE) });
  [student, tutor] = await Promise.all([createTestUser(cluster.database.db, cluster.config, 'student'), createTestUser(cluster.database.db, cluster.config, 'tutor')]);
}, 120_000);

afterAll(async () => {
  await cluster?.close();
  await redis?.stop('SIGKILL');
});

it('6: Redis down: rate limits fall back, ws fan-out degrades and recovers, presence recovers, no message lost', async () => {
  const [a, b] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0]];
  const studentOnA = await TestClient.connect(a.wsUrl, student.token);
  const tutorOnB = await TestClient.connect(b.wsUrl, tutor.token);
  const firstId = 'first-message';
  studentOnA.send({ type: 'message.send', recipientId: tutor.id, clientMessageId: firstId, text: 'before' });
  const first = await studentOnA.next((event) => event.clientMessageId === firstId);
  const conversationId = first.message.conversationId as string;
  await tutorOnB.next((event) => event.type === 'message.new' && event.message.id === first.message.id);

  await redis.stop('SIGKILL');

  // Rate limits: counted in each process's memory meanwhile — still refusing past the limit, no 5xx.
  const statuses: number[] = [];
  for (let index = 0; index < LIMIT_PER_MINUTE + 10; index++) statuses.push((await callApi(a.baseUrl, 'GET', '/api/me', { user: student })).status);
  expect(statuses.filter((status) => status >= 500)).toEqual([]);
  expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
  expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);

  // Messages during the outage: stored and acknowledged; B cannot hear of them.
  const during = outgoing(['during 1', 'during 2', 'during 3']);
  await sendUnacknowledged(studentOnA, conversationId, during);
  expect(during.every((message) => message.acked?.type === 'message.ack')).toBe(true);
  const liveOnBDuring = tutorOnB.all('message.new').length;

  redis = await startRedisServer({ port: redis.port });
  await vi.waitFor(() => expect(a.realtime.fanOutConnected && b.realtime.fanOutConnected).toBe(true), { timeout: 30_000, interval: 100 });
  const after = outgoing(['after 1', 'after 2']);
  await sendUnacknowledged(studentOnA, conversationId, after);
  for (const message of after) await tutorOnB.next((event) => event.type === 'message.new' && event.message.id === message.acked.message.id);

  // Presence across instances works again: a watcher on B sees a tutor who comes online on A.
  const otherTutor = await createTestUser(cluster.database.db, cluster.config, 'tutor');
  const watcher = await TestClient.connect(b.wsUrl, student.token);
  watcher.send({ type: 'presence.subscribe', ref: 'follow', userIds: [otherTutor.id] });
  await watcher.next((event) => event.ref === 'follow');
  const otherOnA = await TestClient.connect(a.wsUrl, otherTutor.token);
  const online = await watcher.next((event) => event.type === 'presence' && event.userId === otherTutor.id, 15_000);
  expect(online.status).toBe('online');

  // The tutor on B catches up through the history: every message exactly once.
  const live = tutorOnB.all('message.new').map((event: Json) => event.message);
  const history = await fullHistory(b.baseUrl, tutor, conversationId);
  const seen = new Map<string, Json>();
  for (const message of [...live, ...history]) seen.set(message.id, message);
  expect([...seen.values()].map((message) => message.text).sort()).toEqual(['before', ...during.map((m) => m.text), ...after.map((m) => m.text)].sort());
  expect(history).toHaveLength(6);

  report('6 Redis down and back', {
    rateLimitedDuringOutage: statuses.filter((status) => status === 429).length,
    allowedDuringOutage: statuses.filter((status) => status === 200).length,
    serverErrors: statuses.filter((status) => status >= 500).length,
    messages: history.length,
    liveOnOtherInstanceDuringOutage: liveOnBDuring - 1,
    caughtUpFromHistory: history.length - live.length,
    presenceRecovered: online.status,
  });
  for (const client of [studentOnA, tutorOnB, watcher, otherOnA]) await client.close();
});
