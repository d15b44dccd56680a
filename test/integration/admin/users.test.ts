/**
 * The admin console's users on the real stack (two API + realtime instances sharing Postgres and
 * Redis): search and paging, suspend / ban / unsuspend with reasons and an Idempotency-Key, every
 * session revoked (the access token stops, refresh and login refused with a problem document
 * naming the account's status), the user's live WebSockets on both instances closed with 4003, each
 * change in the audit log and emailed to the person with the reason.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { callApi, type ApiAnswer, type Json } from '../../support/http.js';
import { startRealtimeCluster, TestClient, type RealtimeCluster } from '../../support/realtime.js';
import { insertBooking } from '../availability/fixtures.js';

const PASSWORD = 'a long test password 2026';

let cluster: RealtimeCluster;
let admin: TestUser;
let baseUrl: string;

beforeAll(async () => {
  cluster = await startRealtimeCluster(2, { LOG_LEVEL: 'error' });
  baseUrl = cluster.instances[0]!.baseUrl;
  admin = await createTestUser(cluster.database.db, cluster.config, 'admin');
});
afterAll(() => cluster?.close());

/** An account made through the API, so its sessions are real rows with refresh tokens. */
async function register(role: 'student' | 'tutor', displayName: string) {
  const email = `${displayName.toLowerCase().replaceAll(' ', '-')}-${randomUUID().slice(0, 6)}@example.test`;
  const answer = await callApi(baseUrl, 'POST', '/api/auth/register', { body: { email, password: PASSWORD, displayName, role, timeZone: 'UTC' } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return { id: answer.body.account.id as string, email, tokens: answer.body.tokens as { accessToken: string; refreshToken: string } };
}

const login = (email: string) => callApi(baseUrl, 'POST', '/api/auth/login', { body: { email, password: PASSWORD } });
const asAdmin = (method: string, path: string, body?: unknown, key?: string) =>
  callApi(baseUrl, method, path, { user: admin, body, headers: key ? { 'Idempotency-Key': key } : {} });
const changeStatus = (userId: string, action: string, reason: string, key = randomUUID()) => asAdmin('POST', `/api/admin/users/${userId}/${action}`, { reason }, key);

function expectProblem(answer: ApiAnswer, status: number): Json {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  return answer.body;
}

describe('listing and searching users', () => {
  it('finds users by part of the email or name, role and status, in keyset pages', async () => {
    const tag = randomUUID().slice(0, 6);
    const made = [];
    for (let index = 0; index < 3; index += 1) made.push(await register('student', `Searchable ${tag} ${index}`));
    const tutor = await register('tutor', `Tutor ${tag}`);

    const first = await asAdmin('GET', `/api/admin/users?q=${tag}&limit=2`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.items).toHaveLength(2);
    const second = await asAdmin('GET', `/api/admin/users?q=${tag}&limit=2&cursor=${first.body.nextCursor}`);
    const ids = [...first.body.items, ...second.body.items].map((user: Json) => user.id);
    expect(new Set(ids)).toEqual(new Set([...made.map((user) => user.id), tutor.id]));
    expect(first.body.items[0]).toMatchObject({ status: 'active', statusReason: null, openBookings: { live: 0, unsettled: 0 } });

    const tutors = await asAdmin('GET', `/api/admin/users?q=${tag.toUpperCase()}&role=tutor`);
    expect(tutors.body.items.map((user: Json) => user.id)).toEqual([tutor.id]);
    const byEmail = await asAdmin('GET', `/api/admin/users?q=${encodeURIComponent(made[1]!.email)}`);
    expect(byEmail.body.items.map((user: Json) => user.id)).toEqual([made[1]!.id]);
    // LIKE's wildcards are searched for, not expanded.
    expect((await asAdmin('GET', `/api/admin/users?q=${encodeURIComponent(`%${tag}`)}`)).body.items).toEqual([]);
  });

  it('refuses students and tutors (403) and answers 404 for an unknown user', async () => {
    const student = await createTestUser(cluster.database.db, cluster.config, 'student');
    expectProblem(await callApi(baseUrl, 'GET', '/api/admin/users', { user: student }), 403);
    expectProblem(await callApi(baseUrl, 'POST', `/api/admin/users/${admin.id}/suspend`, { user: student, body: { reason: 'x' }, headers: { 'Idempotency-Key': randomUUID() } }), 403);
    expectProblem(await asAdmin('GET', `/api/admin/users/${randomUUID()}`), 404);
  });
});

describe('suspending an account', () => {
  it('revokes every session, closes its sockets on both instances (4003), and refuses refresh and login with the status', async () => {
    const user = await register('student', 'Suspended Sam');
    const second = await login(user.email);
    expect(second.status).toBe(200);
    const other = await register('student', 'Bystander Bo');
    // Two sessions of the user, on two instances; a bystander on each.
    const [onFirst, onSecond] = [
      await TestClient.connect(cluster.instances[0]!.wsUrl, user.tokens.accessToken),
      await TestClient.connect(cluster.instances[1]!.wsUrl, second.body.tokens.accessToken),
    ];
    const bystander = await TestClient.connect(cluster.instances[1]!.wsUrl, other.tokens.accessToken);

    const key = randomUUID();
    const suspended = await changeStatus(user.id, 'suspend', 'spam in messages', key);
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    expect(suspended.body).toMatchObject({ id: user.id, status: 'suspended', statusReason: 'spam in messages', statusChangedBy: admin.id });

    expect((await onFirst.closed).code).toBe(4003);
    expect((await onSecond.closed).code).toBe(4003);
    expect(bystander.socket.readyState).toBe(bystander.socket.OPEN);
    await bystander.close();

    // Every path says why: an old access token, a refresh of an ended session, a new login.
    const me = expectProblem(await callApi(baseUrl, 'GET', '/api/me', { token: user.tokens.accessToken }), 401);
    expect(me).toMatchObject({ accountStatus: 'suspended' });
    expect(me.detail).toMatch(/suspended/);
    const refresh = expectProblem(await callApi(baseUrl, 'POST', '/api/auth/refresh', { body: { refreshToken: second.body.tokens.refreshToken } }), 401);
    expect(refresh).toMatchObject({ accountStatus: 'suspended' });
    const refused = expectProblem(await login(user.email), 401);
    expect(refused).toMatchObject({ accountStatus: 'suspended', type: 'urn:tutorflow:problem:unauthenticated' });
    expect(refused.detail).toMatch(/suspended/);
    const sessions = await cluster.database.db('auth_sessions').where({ user_id: user.id });
    expect(sessions).toHaveLength(2);
    expect(sessions.every((session) => session.revoked_reason === 'account_disabled')).toBe(true);

    // The same key is the same suspension (no second audit line); with another reason, 422.
    expect((await changeStatus(user.id, 'suspend', 'spam in messages', key)).body).toMatchObject({ status: 'suspended' });
    expectProblem(await changeStatus(user.id, 'suspend', 'something else', key), 422);
    expectProblem(await changeStatus(user.id, 'suspend', 'again'), 409);

    const log = await asAdmin('GET', `/api/admin/audit-log?userId=${user.id}`);
    expect(log.body.items).toEqual([
      expect.objectContaining({ type: 'user.suspended', userId: user.id, bookingId: null, adminId: admin.id, data: { reason: 'spam in messages', previousStatus: 'active' } }),
    ]);

    const told = () => cluster.database.db('email_outbox').where({ recipient_email: user.email, template: 'account-status-changed' }).orderBy('created_at').select('params');
    expect((await told()).map((row) => row.params)).toEqual([{ displayName: 'Suspended Sam', status: 'suspended', reason: 'spam in messages' }]);

    const lifted = await changeStatus(user.id, 'unsuspend', 'appeal accepted');
    expect(lifted.body).toMatchObject({ status: 'active', statusReason: null });
    expect((await login(user.email)).status).toBe(200);
    const entries = (await asAdmin('GET', `/api/admin/audit-log?userId=${user.id}`)).body.items;
    expect(entries.map((entry: Json) => entry.type)).toEqual(['user.unsuspended', 'user.suspended']);
    expect((await told()).map((row) => row.params.status)).toEqual(['suspended', 'active']);
  });

  it('bans a tutor: out of the search, bookings kept and counted for admins', async () => {
    const tutor = await register('tutor', 'Banned Bea');
    const student = await createTestUser(cluster.database.db, cluster.config, 'student');
    const start = new Date(Date.now() + 3 * 86_400_000);
    await insertBooking(cluster.database.db, { tutorId: tutor.id, studentId: student.id, start, end: new Date(start.getTime() + 3_600_000), status: 'SCHEDULED' });

    const banned = await changeStatus(tutor.id, 'ban', 'fake credentials');
    expect(banned.body).toMatchObject({ status: 'banned', statusReason: 'fake credentials', openBookings: { live: 1, unsettled: 0 } });
    expect(expectProblem(await login(tutor.email), 401)).toMatchObject({ accountStatus: 'banned' });
    const listed = await asAdmin('GET', `/api/admin/users?status=banned&role=tutor`);
    expect(listed.body.items.map((user: Json) => user.id)).toContain(tutor.id);
    const bookings = await asAdmin('GET', `/api/bookings?tutorId=${tutor.id}`);
    expect(bookings.body.items).toHaveLength(1);
  });

  it('refuses an admin’s own account, and a key reused for another user', async () => {
    expectProblem(await changeStatus(admin.id, 'suspend', 'oops'), 409);
    const one = await register('student', 'Key One');
    const two = await register('student', 'Key Two');
    const key = randomUUID();
    expect((await changeStatus(one.id, 'suspend', 'same words', key)).status).toBe(200);
    expectProblem(await changeStatus(two.id, 'suspend', 'same words', key), 422);
    expectProblem(await asAdmin('POST', `/api/admin/users/${two.id}/suspend`, { reason: 'no key' }), 400);
  });
});

describe('the audit log', () => {
  it('lists user actions beside admin booking events, newest first, by pages', async () => {
    const page = await asAdmin('GET', '/api/admin/audit-log?limit=2');
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(2);
    const rest = await asAdmin('GET', `/api/admin/audit-log?limit=200&cursor=${page.body.nextCursor}`);
    const all = [...page.body.items, ...rest.body.items];
    expect(new Set(all.map((entry: Json) => entry.id)).size).toBe(all.length);
    const times = all.map((entry: Json) => Date.parse(entry.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(all.some((entry: Json) => entry.type === 'user.banned')).toBe(true);
  });
});
