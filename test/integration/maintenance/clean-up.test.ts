/**
 * The clean-up schedule on the test stack's real Temporal dev server: the worker's start creates it
 * (idempotently), and a triggered run deletes exactly what outlived its retention: ended sessions,
 * expired Google sign-in states, unconfirmed uploads (their objects in MinIO too), old Stripe event
 * ids, old sent emails and old read notifications. Everything still in its retention stays.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newOpaqueToken } from '../../../services/auth/opaque-tokens.js';
import { cleanUpScheduleId, type CleanUpReport } from '../../../workflows/maintenance/definitions.js';
import { ensureCleanUpSchedule, startCleanUp } from '../../../workers/maintenance.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { uniqueTaskQueue, workflowBundle } from '../../support/temporal.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let api: RunningApi;
let connection: Connection;
let client: Client;
let worker: Worker;
let workerConnection: NativeConnection;
let running: Promise<void>;
let user: TestUser;
const taskQueue = uniqueTaskQueue('clean-up');

beforeAll(async () => {
  api = await startTestApi({
    TEMPORAL_TASK_QUEUE: taskQueue,
    // Never fires by itself during the test: the test triggers it.
    MAINTENANCE_INTERVAL: '7d',
    SESSION_RETENTION: '7d',
    PENDING_UPLOAD_RETENTION: '24h',
    STRIPE_EVENT_RETENTION: '30d',
    SENT_EMAIL_RETENTION: '30d',
    NOTIFICATIONS_RETENTION: '90d',
  });
  user = await createTestUser(api.container.resources.db, api.config, 'student');
  connection = await Connection.connect({ address: api.config.temporal.address });
  client = new Client({ connection, namespace: api.config.temporal.namespace });
  // What the worker process does at start.
  const { db, storage } = api.container.resources;
  const activities = await startCleanUp({ client, config: api.config, db, storage });
  workerConnection = await NativeConnection.connect({ address: api.config.temporal.address });
  worker = await Worker.create({ connection: workerConnection, namespace: api.config.temporal.namespace, taskQueue, workflowBundle: await workflowBundle(), activities });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  await client?.schedule.getHandle(cleanUpScheduleId(taskQueue)).delete().catch(() => undefined);
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await workerConnection?.close();
  await connection?.close();
  await api?.close();
});

const ago = (ms: number) => new Date(Date.now() - ms);

describe('the clean-up schedule', () => {
  it('exists after the worker started, once, however often workers start', async () => {
    const handle = client.schedule.getHandle(cleanUpScheduleId(taskQueue));
    const described = await handle.describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'cleanUpWorkflow', taskQueue });
    expect(described.spec.intervals).toMatchObject([{ every: 7 * DAY }]);
    expect(described.state.paused).toBe(false);

    // A second worker start (another process, a restart) with a new interval updates the one schedule.
    await ensureCleanUpSchedule(client, { ...api.config, maintenance: { ...api.config.maintenance, intervalMs: 6 * DAY } });
    expect((await handle.describe()).spec.intervals).toMatchObject([{ every: 6 * DAY }]);
    await ensureCleanUpSchedule(client, api.config);
    expect((await handle.describe()).spec.intervals).toMatchObject([{ every: 7 * DAY }]);
    const ids: string[] = [];
    for await (const schedule of client.schedule.list({ query: `ScheduleId = '${cleanUpScheduleId(taskQueue)}'` })) ids.push(schedule.scheduleId);
    expect(ids.length).toBeLessThanOrEqual(1);
  });

  it('when triggered, deletes exactly what outlived its retention', async () => {
    const { db, storage } = api.container.resources;
    const bucket = api.config.storage.bucket;

    // Sessions: ended more than 7 days ago go; live ones and recently ended ones stay.
    const session = async (values: Record<string, unknown>) => {
      const [row] = await db('auth_sessions').insert({ user_id: user.id, method: 'password', expires_at: new Date(Date.now() + DAY), ...values }).returning('id');
      await db('refresh_tokens').insert({ session_id: row.id, token_hash: hashToken(newOpaqueToken()), expires_at: new Date(Date.now() + DAY) });
      return row.id as string;
    };
    const expiredLongAgo = await session({ created_at: ago(40 * DAY), expires_at: ago(8 * DAY) });
    const revokedLongAgo = await session({ created_at: ago(20 * DAY), revoked_at: ago(8 * DAY), revoked_reason: 'logout' });
    const expiredRecently = await session({ created_at: ago(31 * DAY), expires_at: ago(DAY) });
    const revokedRecently = await session({ revoked_at: ago(HOUR), revoked_reason: 'logout' });
    const live = await session({});

    // Google sign-in states: expired ones go.
    const state = (expiresAt: Date) => ({
      state_hash: hashToken(newOpaqueToken()),
      provider: 'google',
      code_verifier: 'verifier',
      role: 'student',
      browser_binding_hash: hashToken(newOpaqueToken()),
      expires_at: expiresAt,
    });
    const [expiredState, liveState] = [state(ago(60_000)), state(new Date(Date.now() + 600_000))];
    await db('oauth_states').insert([expiredState, liveState]);

    // Uploads: pending for more than 24 h go, with their object; recent pending and old ready files stay.
    const file = async (status: 'pending' | 'ready', createdAt: Date) => {
      const id = randomUUID();
      const objectKey = `message_attachment/${user.id}/${id}`;
      await storage.putObject(bucket, objectKey, Buffer.from('bytes'));
      await db('files').insert({ id, owner_id: user.id, purpose: 'message_attachment', object_key: objectKey, content_type: 'text/plain', declared_size: 5, original_filename: 'a.txt', status, created_at: createdAt });
      return { id, objectKey };
    };
    const abandoned = await file('pending', ago(25 * HOUR));
    const inProgress = await file('pending', ago(HOUR));
    const oldReady = await file('ready', ago(90 * DAY));
    // A file confirmed half an hour ago whose upload URL was written again after the confirm (now
    // expired): that object goes, the file and its ready copy stay.
    const rewritten = await file('ready', ago(HOUR));
    await db('files').where({ id: rewritten.id }).update({ confirmed_at: ago(HOUR / 2), ready_key: `ready/${rewritten.objectKey}/copy` });
    await storage.putObject(bucket, `ready/${rewritten.objectKey}/copy`, Buffer.from('bytes'));

    // Stripe event ids: older than 30 days go.
    const [oldEvent, newEvent] = [`evt_old_${randomUUID()}`, `evt_new_${randomUUID()}`];
    await db('stripe_events').insert([
      { id: oldEvent, type: 'charge.refunded', received_at: ago(31 * DAY) },
      { id: newEvent, type: 'charge.refunded', received_at: ago(29 * DAY) },
    ]);

    // Outbox: sent more than 30 days ago goes; recent sent, and old unsent (pending, failed) stay.
    const email = (status: string, sentAt: Date | null, createdAt: Date) => ({
      id: randomUUID(),
      dedupe_key: `clean-up:${randomUUID()}`,
      template: 'verify-email',
      recipient_email: user.email,
      status,
      sent_at: sentAt,
      created_at: createdAt,
    });
    const emails = {
      oldSent: email('sent', ago(31 * DAY), ago(31 * DAY)),
      newSent: email('sent', ago(DAY), ago(DAY)),
      oldFailed: email('failed', null, ago(60 * DAY)),
      oldPending: email('pending', null, ago(60 * DAY)),
    };
    await db('email_outbox').insert(Object.values(emails));

    // Notifications: read and older than 90 days go; unread ones stay however old, recent read ones stay.
    const notification = (readAt: Date | null, createdAt: Date) => ({ id: randomUUID(), user_id: user.id, kind: 'booking.requested', dedupe_key: `clean-up:${randomUUID()}`, title: 't', body: 'b', read_at: readAt, created_at: createdAt });
    const notifications = {
      oldRead: notification(ago(80 * DAY), ago(91 * DAY)),
      oldUnread: notification(null, ago(200 * DAY)),
      newRead: notification(ago(DAY), ago(89 * DAY)),
    };
    await db('notifications').insert(Object.values(notifications));

    const handle = client.schedule.getHandle(cleanUpScheduleId(taskQueue));
    await handle.trigger();
    const started = await eventually(async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId);
    const report = await client.workflow.getHandle<() => Promise<CleanUpReport>>(started).result();

    expect(await db('auth_sessions').where({ user_id: user.id }).orderBy('created_at').pluck('id')).toEqual(
      expect.arrayContaining([expiredRecently, revokedRecently, live]),
    );
    expect(await db('auth_sessions').whereIn('id', [expiredLongAgo, revokedLongAgo])).toEqual([]);
    expect(await db('refresh_tokens').whereIn('session_id', [expiredLongAgo, revokedLongAgo])).toEqual([]);
    expect(await db('refresh_tokens').whereIn('session_id', [expiredRecently, revokedRecently, live])).toHaveLength(3);

    expect(await db('oauth_states').whereIn('state_hash', [expiredState.state_hash, liveState.state_hash]).pluck('state_hash')).toEqual([liveState.state_hash]);

    expect(await db('files').whereIn('id', [abandoned.id, inProgress.id, oldReady.id]).orderBy('created_at').pluck('id')).toEqual([oldReady.id, inProgress.id]);
    expect(await db('files').where({ id: rewritten.id }).first()).toMatchObject({ status: 'ready' });
    expect(await objectExists(rewritten.objectKey)).toBe(false);
    expect(await objectExists(`ready/${rewritten.objectKey}/copy`)).toBe(true);
    expect(await objectExists(abandoned.objectKey)).toBe(false);
    expect(await objectExists(inProgress.objectKey)).toBe(true);
    expect(await objectExists(oldReady.objectKey)).toBe(true);

    expect(await db('stripe_events').whereIn('id', [oldEvent, newEvent]).pluck('id')).toEqual([newEvent]);

    const kept = await db('email_outbox').whereIn('id', Object.values(emails).map((row) => row.id)).pluck('id');
    expect(kept.sort()).toEqual([emails.newSent.id, emails.oldFailed.id, emails.oldPending.id].sort());

    const keptNotifications = await db('notifications').whereIn('id', Object.values(notifications).map((row) => row.id)).pluck('id');
    expect(keptNotifications.sort()).toEqual([notifications.oldUnread.id, notifications.newRead.id].sort());

    // The run's own account of it (the test database is this file's alone).
    expect(report).toEqual({ sessions: 2, oauthStates: 1, unconfirmedUploads: 1, uploadLeftovers: 1, stripeEvents: 1, sentEmails: 1, readNotifications: 1 });
  });
});

async function objectExists(objectKey: string): Promise<boolean> {
  return api.container.resources.storage.statObject(api.config.storage.bucket, objectKey).then(
    () => true,
    (error: { code?: string }) => (error.code === 'NotFound' ? false : Promise.reject(error)),
  );
}

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
