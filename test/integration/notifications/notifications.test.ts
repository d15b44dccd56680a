/**
 * Notifications on the real stack: two API instances (REST + WebSocket) sharing Postgres and
 * Redis. A notification stored through one instance reaches every tab of its person on both
 * instances as `notification.new`; a retry with the same key stores and pushes nothing more; the
 * REST list is the owner's only, keyset-paged, filtered by read state, and marked read one by one
 * or all at once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationRequest } from '../../../services/notifications/notification-service.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { callApi } from '../../support/http.js';
import { startRealtimeCluster, TestClient, type RealtimeCluster } from '../../support/realtime.js';

let cluster: RealtimeCluster;
const clients: TestClient[] = [];

beforeAll(async () => {
  cluster = await startRealtimeCluster(2);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await cluster?.close();
});

const person = (role: 'student' | 'tutor' = 'student') => createTestUser(cluster.database.db, cluster.config, role);
const call = (user: TestUser | undefined, method: string, path: string, body?: unknown, instance = 0) =>
  callApi(cluster.instances[instance]!.baseUrl, method, path, { user, ...(body === undefined ? {} : { body }) });
const connect = async (user: TestUser, instance: number) => {
  const client = await TestClient.connect(cluster.instances[instance]!.wsUrl, user.token);
  clients.push(client);
  return client;
};

/** A review-received notice for `user`, as the review service sends it. */
function reviewNotice(user: TestUser, key: string = randomUUID()): NotificationRequest {
  const reviewId = randomUUID();
  return {
    userId: user.id,
    kind: 'review.received',
    dedupeKey: `review:${key}`,
    template: 'review-received',
    params: { reviewId, bookingId: randomUUID(), rating: 5, studentName: 'Ada' },
    data: { reviewId },
  };
}

const notify = (requests: NotificationRequest[], instance = 0) => cluster.instances[instance]!.container.app.notifications.notify(requests);

describe('notification.new over the WebSocket', () => {
  it('reaches every tab of the person on both instances, once, and nobody else', async () => {
    const [tutor, other] = await Promise.all([person('tutor'), person('tutor')]);
    const tabOnA = await connect(tutor, 0);
    const tabOnB = await connect(tutor, 1);
    const otherOnB = await connect(other, 1);

    const [stored] = await notify([reviewNotice(tutor, 'first')], 0);
    expect(stored).toMatchObject({ kind: 'review.received', title: 'You received a review', readAt: null });
    for (const tab of [tabOnA, tabOnB]) {
      const event = await tab.next((candidate) => candidate.type === 'notification.new');
      expect(event.notification).toEqual(stored);
    }

    // A retried caller (same key) stores nothing and pushes nothing: the next push is the next notification.
    expect(await notify([reviewNotice(tutor, 'first')], 1)).toEqual([]);
    const [second] = await notify([reviewNotice(tutor, 'second')], 1);
    for (const tab of [tabOnA, tabOnB]) expect((await tab.next((candidate) => candidate.type === 'notification.new')).notification.id).toBe(second!.id);
    expect(await cluster.database.db('notifications').where({ user_id: tutor.id }).count({ n: '*' })).toEqual([{ n: '2' }]);
    expect(otherOnB.all('notification.new')).toEqual([]);
  });
});

describe('GET /api/notifications and read state', () => {
  let owner: TestUser;
  let ids: string[];

  beforeAll(async () => {
    owner = await person();
    ids = [];
    // One at a time, so each has its own created_at and the order is the order of creation.
    for (let index = 0; index < 5; index++) ids.push((await notify([reviewNotice(owner)]))[0]!.id);
    ids.reverse();
  });

  it('pages newest first with a cursor, with no gap and no repeat, and counts the unread', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(owner, 'GET', `/api/notifications?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.unreadCount).toBe(5);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect((await call(owner, 'GET', '/api/notifications?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
  });

  it('marks one read for its owner only (404 to anyone else), keeps the first readAt, and filters unread', async () => {
    const stranger = await person();
    const refused = await call(stranger, 'POST', `/api/notifications/${ids[1]}/read`);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await call(stranger, 'GET', '/api/notifications')).body).toEqual({ items: [], nextCursor: null, unreadCount: 0 });

    const read = await call(owner, 'POST', `/api/notifications/${ids[1]}/read`, undefined, 1);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: ids[1], readAt: expect.any(String) });
    const again = await call(owner, 'POST', `/api/notifications/${ids[1]}/read`);
    expect(again.body.readAt).toBe(read.body.readAt);

    expect((await call(owner, 'GET', '/api/notifications/unread-count')).body).toEqual({ unreadCount: 4 });
    const unread = await call(owner, 'GET', '/api/notifications?unread=true');
    expect(unread.body.items.map((item: { id: string }) => item.id)).toEqual(ids.filter((id) => id !== ids[1]));
    expect((await call(owner, 'GET', '/api/notifications?unread=maybe')).status).toBe(400);
  });

  it('marks all read at once, and only the caller’s', async () => {
    const neighbour = await person();
    await notify([reviewNotice(neighbour)]);
    const all = await call(owner, 'POST', '/api/notifications/read-all');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ marked: 4, unreadCount: 0 });
    expect((await call(owner, 'GET', '/api/notifications?unread=true')).body.items).toEqual([]);
    expect((await call(neighbour, 'GET', '/api/notifications/unread-count')).body).toEqual({ unreadCount: 1 });
  });

  it('answers 401 without a token', async () => {
    for (const [method, path] of [['GET', '/api/notifications'], ['GET', '/api/notifications/unread-count'], ['POST', '/api/notifications/read-all'], ['POST', `/api/notifications/${ids[0]}/read`]] as const) {
      expect((await call(undefined, method, path)).status).toBe(401);
    }
  });
});
