import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRedisServer, type ThrowawayRedis } from '../../../scripts/stack/index.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { readJson, type Json } from '../../support/http.js';
import { startRealtimeCluster, TestClient, type RealtimeCluster } from '../../support/realtime.js';

describe('a Redis outage', () => {
  let redis: ThrowawayRedis;
  let cluster: RealtimeCluster;
  let student: TestUser;
  let tutor: TestUser;

  beforeAll(async () => {
    // A Redis of this test's own: stopping the shared one would disturb every other test file.
    redis = await startRedisServer();
    cluster = await startRealtimeCluster(2, { REDIS_URL: redis.url });
    student = await createTestUser(cluster.database.db, cluster.config, 'student');
    tutor = await createTestUser(cluster.database.db, cluster.config, 'tutor');
  });
  afterAll(async () => {
    await cluster.close();
    await redis.stop();
  });

  it('keeps local delivery and persistence going, and cross-instance delivery recovers when Redis is back', async () => {
    const [a, b] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0]];
    const studentClient = await TestClient.connect(a.wsUrl, student.token);
    const tutorOnA = await TestClient.connect(a.wsUrl, tutor.token);
    const tutorOnB = await TestClient.connect(b.wsUrl, tutor.token);
    const send = async (text: string, conversation: { conversationId: string } | { recipientId: string }) => {
      const clientMessageId = randomUUID();
      studentClient.send({ type: 'message.send', ...conversation, clientMessageId, text });
      const ack = await studentClient.next((event) => event.clientMessageId === clientMessageId || event.type === 'error');
      expect(ack.type).toBe('message.ack');
      return ack.message as Json;
    };
    const isNew = (id: string) => (event: Json) => event.type === 'message.new' && event.message.id === id;

    const before = await send('before the outage', { recipientId: tutor.id });
    const conversationId = before.conversationId as string;
    await tutorOnB.next(isNew(before.id));

    await redis.stop();
    const during = await send('during the outage', { conversationId });
    expect(await cluster.database.db('messages').where({ id: during.id }).first()).toBeDefined();
    await tutorOnA.next(isNew(during.id));
    // Connecting still works, though B cannot subscribe to this tutor's channel until Redis is back.
    const secondTutor = await createTestUser(cluster.database.db, cluster.config, 'tutor');
    const secondTutorOnB = await TestClient.connect(b.wsUrl, secondTutor.token);

    redis = await startRedisServer({ port: redis.port });
    await vi.waitFor(() => expect(a.realtime.fanOutConnected && b.realtime.fanOutConnected).toBe(true), { timeout: 20_000, interval: 100 });
    const after = await send('after the outage', { conversationId });
    await tutorOnB.next(isNew(after.id));
    const toSecond = await send('to a tutor who connected during the outage', { recipientId: secondTutor.id });
    await secondTutorOnB.next(isNew(toSecond.id));

    // What instance B missed during the outage is in the history, between what it did receive.
    const history = await fetch(`${b.baseUrl}/api/conversations/${conversationId}/messages`, { headers: tutor.auth });
    expect(history.status).toBe(200);
    expect((await readJson(history)).items.map((message: Json) => message.id)).toEqual([after.id, during.id, before.id]);

    for (const client of [studentClient, tutorOnA, tutorOnB, secondTutorOnB]) await client.close();
  });
});
