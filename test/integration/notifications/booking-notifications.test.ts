/**
 * A booking event tells both parties, each in their own words: the booking workflow's `notify`
 * activity (run as a worker would, against Postgres, Redis and the Brevo fake) stores an in-app
 * notification per party, pushes it over the WebSocket on another instance, and emails each party
 * in their own language and time zone — a German tutor in Berlin and an English student in New York
 * read the same lesson at 15:00 MEZ and 09:00 GMT-5. Preferences turn a kind's email or in-app copy
 * off; a security email goes whatever they say, in the person's language.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRecordActivities } from '../../../activities/booking/records.js';
import type { NotifyInput } from '../../../activities/booking/types.js';
import { createEmailSender } from '../../../platform/email/create-email-sender.js';
import { createTestTutor } from '../availability/fixtures.js';
import { runActivity } from '../booking-activities/support.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestFakes, waitForEmail, type TestFakes } from '../../support/fakes.js';
import { callApi } from '../../support/http.js';
import { startRealtimeCluster, TestClient, type RealtimeCluster } from '../../support/realtime.js';

let fakes: TestFakes;
let cluster: RealtimeCluster;
let notify: (input: NotifyInput) => Promise<void>;
const clients: TestClient[] = [];

beforeAll(async () => {
  fakes = await startTestFakes();
  cluster = await startRealtimeCluster(2, fakes.overrides);
  const { db, redis } = cluster.instances[0]!.container.resources;
  // The worker's activities, built as the worker builds them.
  const activities = createRecordActivities({ db, redis, emails: createEmailSender(cluster.config, db, pino({ level: 'silent' })), frontendBaseUrl: cluster.config.email.frontendBaseUrl });
  notify = (input) => runActivity(activities.notify, input);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await cluster?.close();
  await fakes?.close();
});
beforeEach(() => fakes.fakes.reset());

const call = (user: TestUser | undefined, method: string, path: string, body?: unknown) =>
  callApi(cluster.instances[0]!.baseUrl, method, path, { user, ...(body === undefined ? {} : { body }) });
const connect = async (user: TestUser, instance: number) => {
  const client = await TestClient.connect(cluster.instances[instance]!.wsUrl, user.token);
  clients.push(client);
  return client;
};

/** A German tutor in Berlin and an English student in New York (their profiles' zones). */
async function pair(): Promise<{ tutor: TestUser; student: TestUser }> {
  const { db } = cluster.database;
  const tutor = await createTestTutor(db, cluster.config, { timeZone: 'Europe/Berlin' });
  const student = await createTestUser(db, cluster.config, 'student');
  expect((await call(student, 'PATCH', '/api/me/student-profile', { timeZone: 'America/New_York' })).status).toBe(200);
  const german = await call(tutor, 'PUT', '/api/notifications/preferences', { language: 'de' });
  expect(german.status, JSON.stringify(german.body)).toBe(200);
  expect(german.body).toMatchObject({ language: 'de', timeZone: 'Europe/Berlin' });
  return { tutor, student };
}

/** What the workflow sends for a step: its params carry the student's zone, as the booking knows it. */
function requested(bookingId: string, tutor: TestUser, student: TestUser, step = 'requested', template = 'booking-requested'): NotifyInput {
  return {
    bookingId,
    step,
    template,
    recipientUserIds: [student.id, tutor.id],
    params: {
      bookingId,
      sessionStart: '2027-01-15T14:00:00.000Z',
      sessionEnd: '2027-01-15T15:00:00.000Z',
      timeZone: 'America/New_York',
      priceMinor: 6000,
      currency: 'EUR',
    },
  };
}

const rows = (userId: string) => cluster.database.db('notifications').where({ user_id: userId }).orderBy('created_at');

describe('a booking event', () => {
  it('stores, pushes and emails both parties, each in their own language and time zone, once however often it runs', async () => {
    const { tutor, student } = await pair();
    const tutorTab = await connect(tutor, 1);
    const studentTab = await connect(student, 0);
    const bookingId = randomUUID();

    await notify(requested(bookingId, tutor, student));

    const toTutor = await tutorTab.next((event) => event.type === 'notification.new');
    expect(toTutor.notification).toMatchObject({ kind: 'booking.requested', title: 'Eine neue Stundenanfrage', data: { bookingId }, readAt: null });
    expect(toTutor.notification.body).toContain('Fr., 15. Jan. 2027, 15:00 MEZ');
    const toStudent = await studentTab.next((event) => event.type === 'notification.new');
    expect(toStudent.notification).toMatchObject({ kind: 'booking.requested', title: 'Your lesson request was sent', data: { bookingId } });
    expect(toStudent.notification.body).toContain('Fri, 15 Jan 2027, 09:00 GMT-5');

    const tutorEmail = await waitForEmail(fakes.fakes, tutor.email);
    expect(tutorEmail.subject).toBe('Eine neue Stundenanfrage');
    expect(tutorEmail.textContent).toContain(`Hallo ${tutor.displayName},`);
    expect(tutorEmail.textContent).toContain('15:00 MEZ');
    const studentEmail = await waitForEmail(fakes.fakes, student.email);
    expect(studentEmail.subject).toBe('Your lesson request was sent');
    expect(studentEmail.textContent).toContain('09:00 GMT-5');

    // The same lesson read from the REST list, by each party.
    const listed = await call(tutor, 'GET', '/api/notifications');
    expect(listed.body.items).toEqual([toTutor.notification]);

    // A retried activity (same booking step): nothing stored, pushed or sent twice.
    await notify(requested(bookingId, tutor, student));
    expect(await rows(tutor.id)).toHaveLength(1);
    expect(await rows(student.id)).toHaveLength(1);
    expect(fakes.fakes.brevo.messages(tutor.email)).toHaveLength(1);
    expect(fakes.fakes.brevo.messages(student.email)).toHaveLength(1);

    // The next step is a new notification; the tutor's tab got nothing in between.
    await notify({ ...requested(bookingId, tutor, student, 'scheduled', 'booking-scheduled'), params: { ...requested(bookingId, tutor, student).params, joinUrl: 'https://zoom.example/j/1' } });
    expect((await tutorTab.next((event) => event.type === 'notification.new')).notification).toMatchObject({ kind: 'booking.accepted', title: 'Deine Stunde ist gebucht' });
    expect(tutorTab.all('notification.new')).toHaveLength(2);
  });
});

describe('preferences', () => {
  it('lists every kind, on for both channels until changed, with security emails required', async () => {
    const user = await createTestUser(cluster.database.db, cluster.config, 'student', { timeZone: 'Asia/Tokyo' });
    const answer = await call(user, 'GET', '/api/notifications/preferences');
    expect(answer.status).toBe(200);
    expect(answer.body.language).toBe('en');
    expect(answer.body.timeZone).toBe('Asia/Tokyo');
    expect(answer.body.kinds).toContainEqual({ kind: 'booking.accepted', inApp: true, email: true, emailRequired: false });
    expect(answer.body.kinds).toContainEqual({ kind: 'account.security', inApp: true, email: true, emailRequired: true });
  });

  it('refuses a language or kind it does not know (400) and turning security emails off (422), changing nothing', async () => {
    const user = await createTestUser(cluster.database.db, cluster.config, 'student');
    expect((await call(user, 'PUT', '/api/notifications/preferences', { language: 'fr' })).status).toBe(400);
    expect((await call(user, 'PUT', '/api/notifications/preferences', { kinds: [{ kind: 'booking.unknown', inApp: true, email: true }] })).status).toBe(400);
    expect((await call(user, 'PUT', '/api/notifications/preferences', { kinds: [{ kind: 'lesson.ended', inApp: true }] })).status).toBe(400);
    const security = await call(user, 'PUT', '/api/notifications/preferences', { language: 'de', kinds: [{ kind: 'account.security', inApp: true, email: false }] });
    expect(security.status).toBe(422);
    expect(security.headers.get('content-type')).toContain('application/problem+json');
    expect((await call(user, 'GET', '/api/notifications/preferences')).body.language).toBe('en');
    expect((await call(undefined, 'GET', '/api/notifications/preferences')).status).toBe(401);
  });

  it('suppress a kind’s email or its in-app copy for the one who chose so; a security email still goes', async () => {
    const { tutor, student } = await pair();
    const kinds = (await call(student, 'PUT', '/api/notifications/preferences', {
      kinds: [
        ...['booking.requested', 'booking.accepted', 'booking.declined', 'lesson.reminder', 'lesson.ended', 'refund.issued'].map((kind) => ({ kind, inApp: true, email: false })),
        { kind: 'booking.cancelled', inApp: false, email: true },
      ],
    })).body.kinds;
    expect(kinds).toContainEqual({ kind: 'booking.requested', inApp: true, email: false, emailRequired: false });
    expect(kinds).toContainEqual({ kind: 'booking.cancelled', inApp: false, email: true, emailRequired: false });

    const studentTab = await connect(student, 1);
    const bookingId = randomUUID();
    await notify(requested(bookingId, tutor, student));
    // In the app, but no email for the student; the tutor, who changed nothing, gets both.
    expect((await studentTab.next((event) => event.type === 'notification.new')).notification.kind).toBe('booking.requested');
    await waitForEmail(fakes.fakes, tutor.email);
    expect(fakes.fakes.brevo.messages(student.email)).toEqual([]);
    expect(await cluster.database.db('email_outbox').where({ dedupe_key: `booking:${bookingId}:requested:${student.id}` })).toEqual([]);

    // Cancelled: emailed, but neither stored nor pushed.
    await notify({ ...requested(bookingId, tutor, student, 'cancelled', 'booking-cancelled'), params: { ...requested(bookingId, tutor, student).params, reason: 'Something came up' } });
    expect((await waitForEmail(fakes.fakes, student.email)).subject).toBe('The lesson was cancelled');
    expect((await rows(student.id)).map((row) => row.kind)).toEqual(['booking.requested']);
    expect((await rows(tutor.id)).map((row) => row.kind)).toEqual(['booking.requested', 'booking.cancelled']);
    expect(studentTab.all('notification.new')).toHaveLength(1);

    // Security: a password reset is emailed even to someone who turned every email off.
    await call(student, 'PUT', '/api/notifications/preferences', { kinds: (kinds as { kind: string; emailRequired: boolean }[]).filter((kind) => !kind.emailRequired).map(({ kind }) => ({ kind, inApp: true, email: false })) });
    expect((await call(undefined, 'POST', '/api/auth/password/forgot', { email: student.email })).status).toBe(202);
    expect((await waitForEmail(fakes.fakes, student.email, (email) => email.subject === 'Reset your password')).textContent).toContain('/reset-password?token=');
    // … in the person's own language.
    expect((await call(undefined, 'POST', '/api/auth/password/forgot', { email: tutor.email })).status).toBe(202);
    const german = await waitForEmail(fakes.fakes, tutor.email, (email) => email.subject === 'Setze dein Passwort zurück');
    expect(german.textContent).toContain(`Hallo ${tutor.displayName},`);
  });
});
