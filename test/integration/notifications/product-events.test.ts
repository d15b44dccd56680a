/**
 * Events outside the booking workflow that tell people something, on two real instances with the
 * Brevo fake: a review tells its tutor (pushed live, emailed), and a message tells its recipient
 * only while they have no connection anywhere — once per conversation per absence, not once per
 * message.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestFakes, waitForEmail, type TestFakes } from '../../support/fakes.js';
import { callApi, type Json } from '../../support/http.js';
import { startRealtimeCluster, TestClient, type RealtimeCluster } from '../../support/realtime.js';
import { insertBooking } from '../realtime/support.js';

let fakes: TestFakes;
let cluster: RealtimeCluster;
const clients: TestClient[] = [];

beforeAll(async () => {
  fakes = await startTestFakes();
  cluster = await startRealtimeCluster(2, fakes.overrides);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await cluster?.close();
  await fakes?.close();
});
beforeEach(() => fakes.fakes.reset());

const person = (role: 'student' | 'tutor') => createTestUser(cluster.database.db, cluster.config, role);
const call = (user: TestUser, method: string, path: string, body?: unknown) => callApi(cluster.instances[0]!.baseUrl, method, path, { user, ...(body === undefined ? {} : { body }) });
const connect = async (user: TestUser, instance: number) => {
  const client = await TestClient.connect(cluster.instances[instance]!.wsUrl, user.token);
  clients.push(client);
  return client;
};
const notificationsOf = async (user: TestUser): Promise<Json[]> => (await call(user, 'GET', '/api/notifications')).body.items;

it('tells the tutor of a review: pushed to their socket on the other instance, listed, and emailed', async () => {
  const [student, tutor] = await Promise.all([person('student'), person('tutor')]);
  const tutorTab = await connect(tutor, 1);
  const bookingId = await insertBooking(cluster.database.db, { studentId: student.id, tutorId: tutor.id }, 'ENDED');
  const review = await call(student, 'POST', `/api/bookings/${bookingId}/review`, { rating: 4, text: 'Clear and patient.' });
  expect(review.status, JSON.stringify(review.body)).toBe(201);

  const pushed = await tutorTab.next((event) => event.type === 'notification.new');
  expect(pushed.notification).toMatchObject({ kind: 'review.received', title: 'You received a review', data: { reviewId: review.body.id, bookingId } });
  expect(pushed.notification.body).toContain(`${student.displayName} rated your lesson 4 out of 5`);
  expect(await notificationsOf(tutor)).toEqual([pushed.notification]);
  expect(await notificationsOf(student)).toEqual([]);
  expect((await waitForEmail(fakes.fakes, tutor.email)).subject).toBe('You received a review');
});

describe('a message', () => {
  it('tells its recipient while they are offline, once per conversation until they come back', async () => {
    const [student, tutor] = await Promise.all([person('student'), person('tutor')]);
    const studentTab = await connect(student, 0);
    let sync = 0;
    /** Frames of one connection are handled in order: an answered presence.set means the messages before it are done. */
    const settled = async () => {
      const ref = `sync-${++sync}`;
      studentTab.send({ type: 'presence.set', ref, status: 'online' });
      await studentTab.next((event) => event.ref === ref);
    };
    const send = async (text: string, target: Record<string, string>) => {
      const clientMessageId = randomUUID();
      studentTab.send({ type: 'message.send', clientMessageId, text, ...target });
      const ack = await studentTab.next((event) => event.type === 'message.ack' && event.clientMessageId === clientMessageId);
      await settled();
      return ack.message as { id: string; conversationId: string };
    };

    // The tutor has never connected: the first message tells them, the second does not again.
    const first = await send('Hello! Are you free on Tuesday?', { recipientId: tutor.id });
    const conversation = { conversationId: first.conversationId };
    await send('Or Wednesday?', conversation);
    const told = await notificationsOf(tutor);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ kind: 'message.received', title: `New message from ${student.displayName}`, data: { conversationId: first.conversationId, messageId: first.id } });
    expect((await waitForEmail(fakes.fakes, tutor.email)).subject).toBe(`New message from ${student.displayName}`);

    // Online (on the other instance): message.new is enough, nothing is stored.
    studentTab.send({ type: 'presence.subscribe', ref: 'follow', userIds: [tutor.id] });
    await studentTab.next((event) => event.type === 'presence.snapshot');
    const tutorTab = await connect(tutor, 1);
    await studentTab.next((event) => event.type === 'presence' && event.userId === tutor.id && event.status === 'online');
    await send('See you then', conversation);
    await tutorTab.next((event) => event.type === 'message.new');
    expect(await notificationsOf(tutor)).toHaveLength(1);

    // Gone again: the next message is a new absence, so a new notification.
    await tutorTab.close();
    await studentTab.next((event) => event.type === 'presence' && event.userId === tutor.id && event.status === 'offline');
    const later = await send('I will be five minutes late', conversation);
    const now = await notificationsOf(tutor);
    expect(now).toHaveLength(2);
    expect(now[0]).toMatchObject({ kind: 'message.received', data: { messageId: later.id } });
    expect(await notificationsOf(student)).toEqual([]);
  });
});
