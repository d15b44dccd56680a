/**
 * New-sign-in alerts through the API: a sign-in from a browser (user agent + network) that no live
 * or recent session of the account used is emailed — even to someone who turned security emails
 * off in the database — and stored as an `account.security` notification, in the person's language;
 * the same device again, or the device of the registration (a password or a Google account's), is not alerted.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { callApi, type Json } from '../../support/http.js';
import { startTestFakes, waitForEmail, type TestFakes } from '../../support/fakes.js';

let fakes: TestFakes;
let api: RunningApi;

beforeAll(async () => {
  fakes = await startTestFakes();
  api = await startTestApi(fakes.overrides);
});
afterAll(async () => {
  await api?.close();
  await fakes?.close();
});

const PASSWORD = 'correct horse battery staple';
const LAPTOP = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 Version/18.5 Mobile/15E148 Safari/604.1';
const TABLET = 'Mozilla/5.0 (Linux; Android 15; Pixel Tablet) AppleWebKit/537.36 Chrome/141.0 Safari/537.36';

async function registered(userAgent: string): Promise<{ email: string; id: string }> {
  const email = `alerted-${randomUUID().slice(0, 8)}@example.test`;
  const answer = await callApi(api.baseUrl, 'POST', '/api/auth/register', {
    body: { email, password: PASSWORD, displayName: 'Ada Alert', role: 'student', timeZone: 'Europe/Berlin' },
    headers: { 'User-Agent': userAgent },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return { email, id: answer.body.account.id };
}

async function signIn(email: string, userAgent: string): Promise<Json> {
  const answer = await callApi(api.baseUrl, 'POST', '/api/auth/login', { body: { email, password: PASSWORD }, headers: { 'User-Agent': userAgent } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

/** The whole Google sign-in in one browser (the fake consents at once as `email`'s Google account). */
async function googleSignIn(email: string, userAgent: string): Promise<Json> {
  const queued = await fetch(`${fakes.fakes.url}/_fake/google/users`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, sub: `sub-${email}` }) });
  expect(queued.status).toBe(201);
  const started = await fetch(`${api.baseUrl}/api/auth/google/start`, { headers: { 'User-Agent': userAgent } });
  const cookie = started.headers.getSetCookie().find((line) => line.startsWith('tf_google_signin='))!.split(';')[0]!;
  const page = await fetch(((await started.json()) as Json).authorizationUrl, { redirect: 'manual' });
  const back = new URL(page.headers.get('location')!);
  const answer = await callApi(api.baseUrl, 'GET', `/api/auth/google/callback${back.search}`, { cookie, headers: { 'User-Agent': userAgent } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

const alertsOf = async (token: string): Promise<Json[]> =>
  ((await callApi(api.baseUrl, 'GET', '/api/notifications', { token })).body.items as Json[]).filter((item) => item.kind === 'account.security');
const outbox = (email: string) => api.container.resources.db('email_outbox').where({ recipient_email: email, template: 'new-sign-in' }).orderBy('created_at');

describe('a sign-in on a new device', () => {
  it('is emailed and stored as a notification; the known devices are not', async () => {
    const { email } = await registered(LAPTOP);

    // The registration's browser is known: no alert.
    const again = await signIn(email, LAPTOP);
    expect(await alertsOf(again.tokens.accessToken)).toEqual([]);
    expect(await outbox(email)).toEqual([]);

    const fromPhone = await signIn(email, PHONE);
    const [alert] = await alertsOf(fromPhone.tokens.accessToken);
    expect(alert).toMatchObject({ kind: 'account.security', title: 'New sign-in to your Tutorflow account', data: { sessionId: fromPhone.tokens.sessionId }, readAt: null });
    expect(alert!.body).toContain('iPhone');
    expect(alert!.body).toContain('127.0.0.0/24');
    const mail = await waitForEmail(fakes.fakes, email, (message) => message.subject === 'New sign-in to your Tutorflow account');
    expect(mail.textContent).toContain('change your password');

    // The phone is known now: a second sign-in from it is not alerted.
    const phoneAgain = await signIn(email, PHONE);
    expect(await alertsOf(phoneAgain.tokens.accessToken)).toHaveLength(1);
    expect(await outbox(email)).toHaveLength(1);
  });

  it('emails whatever the preferences say, in the person’s language', async () => {
    const { email, id } = await registered(LAPTOP);
    const { db } = api.container.resources;
    // The API refuses to turn security emails off (422); a row that says so anyway does not stop them.
    const first = await signIn(email, LAPTOP);
    const refused = await callApi(api.baseUrl, 'PUT', '/api/notifications/preferences', { token: first.tokens.accessToken, body: { kinds: [{ kind: 'account.security', inApp: true, email: false }] } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    await db('notification_preferences').insert({ user_id: id, kind: 'account.security', in_app: true, email: false });
    await db('users').where({ id }).update({ language: 'de' });

    const fromTablet = await signIn(email, TABLET);
    const mail = await waitForEmail(fakes.fakes, email, (message) => message.subject === 'Neue Anmeldung bei deinem Tutorflow-Konto');
    expect(mail.textContent).toContain('Pixel Tablet');
    expect((await alertsOf(fromTablet.tokens.accessToken)).map((alert) => alert.title)).toEqual(['Neue Anmeldung bei deinem Tutorflow-Konto']);
  });

  it('alerts a Google sign-in from a new browser, but not the one that created the account', async () => {
    const email = `google-${randomUUID().slice(0, 8)}@example.test`;
    const created = await googleSignIn(email, LAPTOP);
    expect(created.outcome).toBe('created');
    expect(await alertsOf(created.tokens.accessToken)).toEqual([]);
    expect((await googleSignIn(email, LAPTOP)).outcome).toBe('signed_in');
    const fromPhone = await googleSignIn(email, PHONE);
    expect((await alertsOf(fromPhone.tokens.accessToken)).map((alert) => alert.data.sessionId)).toEqual([fromPhone.tokens.sessionId]);
    await waitForEmail(fakes.fakes, email, (message) => message.subject === 'New sign-in to your Tutorflow account');
  });

  it('counts a session as recent until SESSION_RETENTION after it ended', async () => {
    const { email, id } = await registered(LAPTOP);
    const { db } = api.container.resources;
    // The laptop's session ended longer ago than the retention: the laptop is new again.
    const longAgo = new Date(Date.now() - api.config.maintenance.sessionRetentionMs - 60_000);
    await db('auth_sessions').where({ user_id: id }).update({ revoked_at: longAgo, revoked_reason: 'logout', created_at: longAgo });
    const back = await signIn(email, LAPTOP);
    expect(await alertsOf(back.tokens.accessToken)).toHaveLength(1);
  });
});
