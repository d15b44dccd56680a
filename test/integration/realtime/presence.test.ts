import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { spawnRealtimeProcess, startRealtimeCluster, TestClient, type RealtimeCluster } from '../../support/realtime.js';

describe('presence across tabs, instances and a dead server', () => {
  let cluster: RealtimeCluster;
  const follow = async (client: TestClient, user: TestUser) => {
    const ref = `follow-${user.id}`;
    client.send({ type: 'presence.subscribe', ref, userIds: [user.id] });
    return (await client.next((event) => event.ref === ref)).users as { userId: string; status: string; lastSeenAt: string | null }[];
  };
  const nextPresence = (client: TestClient, user: TestUser) => client.next((event) => event.type === 'presence' && event.userId === user.id, 15_000);

  beforeAll(async () => {
    cluster = await startRealtimeCluster(2);
  });
  afterAll(() => cluster.close());

  it('stays online while any tab is open, away when the open ones are away, offline after the last closes', async () => {
    const { db } = cluster.database;
    const tutor = await createTestUser(db, cluster.config, 'tutor');
    const watcher = await TestClient.connect(cluster.instances[0]!.wsUrl, (await createTestUser(db, cluster.config, 'student')).token);
    expect(await follow(watcher, tutor)).toEqual([{ userId: tutor.id, status: 'offline', lastSeenAt: null }]);

    const tab1 = await TestClient.connect(cluster.instances[0]!.wsUrl, tutor.token);
    expect(await nextPresence(watcher, tutor)).toMatchObject({ status: 'online', lastSeenAt: null });
    const tab2 = await TestClient.connect(cluster.instances[1]!.wsUrl, tutor.token);
    tab2.send({ type: 'presence.set', ref: 'away', status: 'away' });
    await tab2.next((event) => event.ref === 'away');
    // Another tab is online: still online.
    expect((await follow(watcher, tutor))[0]!.status).toBe('online');

    let lastTabClosed = false;
    await tab1.close();
    expect(await nextPresence(watcher, tutor)).toMatchObject({ status: 'away' });
    expect((await follow(watcher, tutor))[0]!.status).toBe('away');

    const closing = tab2.close().then(() => (lastTabClosed = true));
    const offline = await nextPresence(watcher, tutor);
    await closing;
    expect(lastTabClosed).toBe(true);
    expect(offline.status).toBe('offline');
    expect(Date.parse(offline.lastSeenAt)).not.toBeNaN();
    const [snapshot] = await follow(watcher, tutor);
    expect(snapshot).toMatchObject({ status: 'offline' });
    expect(snapshot!.lastSeenAt).toBe(offline.lastSeenAt);
    // No presence event told the watcher "offline" while a tab was still open.
    expect(watcher.all('presence').map((event) => event.status)).toEqual(['online', 'away', 'offline']);
    await watcher.close();
  });

  it('marks the users of a killed server offline once its presence entries expire', async () => {
    const { db } = cluster.database;
    const tutor = await createTestUser(db, cluster.config, 'tutor');
    const doomed = await spawnRealtimeProcess(cluster.config);
    try {
      const watcher = await TestClient.connect(cluster.instances[0]!.wsUrl, (await createTestUser(db, cluster.config, 'student')).token);
      const onDoomed = await TestClient.connect(doomed.wsUrl, tutor.token);
      expect(onDoomed.events[0]).toMatchObject({ type: 'ready' });
      expect((await follow(watcher, tutor))[0]!.status).toBe('online');

      // No close frames, no clean-up: the process is gone, and only the TTL can tell.
      await doomed.kill();
      const offline = await nextPresence(watcher, tutor);
      expect(offline).toMatchObject({ status: 'offline' });
      expect(Date.parse(offline.lastSeenAt)).not.toBeNaN();
      expect((await follow(watcher, tutor))[0]!.status).toBe('offline');
      await watcher.close();
    } finally {
      await doomed.kill();
    }
  });

  it('shows presence only of tutors and of people the user talks to', async () => {
    const { db } = cluster.database;
    const stranger = await createTestUser(db, cluster.config, 'student');
    const watcher = await TestClient.connect(cluster.instances[0]!.wsUrl, (await createTestUser(db, cluster.config, 'student')).token);
    expect(await follow(watcher, stranger)).toEqual([]);
    await watcher.close();
  });
});
