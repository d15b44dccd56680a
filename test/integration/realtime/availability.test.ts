import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../domain/events.js';
import { createTestUser } from '../../support/fixtures.js';
import { publish, startRealtimeCluster, TestClient, type RealtimeCluster } from '../../support/realtime.js';

describe('availability broadcasts', () => {
  let cluster: RealtimeCluster;

  beforeAll(async () => {
    cluster = await startRealtimeCluster(2);
  });
  afterAll(() => cluster.close());

  it('tells the watchers of a tutor, on every instance, when that tutor’s availability changes', async () => {
    const { db } = cluster.database;
    const tutor = await createTestUser(db, cluster.config, 'tutor');
    const otherTutor = await createTestUser(db, cluster.config, 'tutor');
    const watcherA = await TestClient.connect(cluster.instances[0]!.wsUrl, (await createTestUser(db, cluster.config, 'student')).token);
    const watcherB = await TestClient.connect(cluster.instances[1]!.wsUrl, (await createTestUser(db, cluster.config, 'student')).token);
    const watchesOther = await TestClient.connect(cluster.instances[1]!.wsUrl, (await createTestUser(db, cluster.config, 'student')).token);
    for (const [client, tutorId] of [
      [watcherA, tutor.id],
      [watcherB, tutor.id],
      [watchesOther, otherTutor.id],
    ] as const) {
      client.send({ type: 'availability.watch', ref: 'w', tutorId });
      expect(await client.next((event) => event.ref === 'w')).toMatchObject({ type: 'ok' });
    }

    const changedAt = new Date().toISOString();
    await publish(cluster.config.redis.url, CHANNELS.availabilityChanged, { tutorId: tutor.id, reason: 'booking', changedAt });
    const expected = { type: 'availability.changed', tutorId: tutor.id, reason: 'booking', changedAt };
    expect(await watcherA.next((event) => event.type === 'availability.changed')).toEqual(expected);
    expect(await watcherB.next((event) => event.type === 'availability.changed')).toEqual(expected);

    // Each channel is delivered in order: the other tutor's change arriving first-and-only proves
    // the watcher of the other tutor was not told about this one.
    await publish(cluster.config.redis.url, CHANNELS.availabilityChanged, { tutorId: otherTutor.id, reason: 'rules', changedAt });
    expect(await watchesOther.next((event) => event.type === 'availability.changed')).toMatchObject({ tutorId: otherTutor.id });
    expect(watchesOther.all('availability.changed')).toHaveLength(1);

    // After unwatch, nothing more for that connection.
    watcherA.send({ type: 'availability.unwatch', ref: 'u', tutorId: tutor.id });
    await watcherA.next((event) => event.ref === 'u');
    watcherA.send({ type: 'availability.watch', ref: 'w2', tutorId: otherTutor.id });
    await watcherA.next((event) => event.ref === 'w2');
    await publish(cluster.config.redis.url, CHANNELS.availabilityChanged, { tutorId: tutor.id, reason: 'overrides', changedAt });
    await publish(cluster.config.redis.url, CHANNELS.availabilityChanged, { tutorId: otherTutor.id, reason: 'overrides', changedAt });
    expect(await watcherA.next((event) => event.type === 'availability.changed')).toMatchObject({ tutorId: otherTutor.id });
    expect(await watcherB.next((event) => event.type === 'availability.changed')).toMatchObject({ tutorId: tutor.id, reason: 'overrides' });

    for (const client of [watcherA, watcherB, watchesOther]) await client.close();
  });

  it('refuses to watch someone who is not a tutor', async () => {
    const student = await createTestUser(cluster.database.db, cluster.config, 'student');
    const client = await TestClient.connect(cluster.instances[0]!.wsUrl, student.token);
    client.send({ type: 'availability.watch', ref: 'w', tutorId: student.id });
    expect(await client.next((event) => event.ref === 'w')).toMatchObject({ type: 'error', code: 'not_found' });
    await client.close();
  });
});
