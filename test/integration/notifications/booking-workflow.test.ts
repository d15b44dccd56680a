/**
 * A booking's notifications end to end: the real API and a real booking worker on the Temporal dev
 * server, and a realtime instance of its own on the same database and Redis. The worker's `notify`
 * activity stores each party's notification and publishes it; the realtime instance pushes it to
 * the party's socket — a German tutor in Berlin and an English student in New York, each reading
 * the same lesson in their own language and zone, on the socket and in the email.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { bookableTutor, type BookingStack, call, requestBooking, slotInDays, startBookingStack, student } from '../../support/booking-stack.js';
import { waitForEmail } from '../../support/fakes.js';
import { startRealtimeCluster, TestClient, type RealtimeCluster } from '../../support/realtime.js';

let stack: BookingStack;
let realtime: RealtimeCluster;
let tutor: TestUser;
let learner: TestUser;
const clients: TestClient[] = [];

beforeAll(async () => {
  stack = await startBookingStack();
  await stack.startWorker();
  realtime = await startRealtimeCluster(1, { ...stack.fakes.overrides, DATABASE_URL: stack.api.config.database.url });
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config);
  learner = await student(db, stack.api.config);
  await db('tutor_profiles').where({ user_id: tutor.id }).update({ time_zone: 'Europe/Berlin' });
  expect((await call(stack.api, 'PUT', '/api/notifications/preferences', tutor, { language: 'de' })).status).toBe(200);
  expect((await call(stack.api, 'PATCH', '/api/me/student-profile', learner, { timeZone: 'America/New_York' })).status).toBe(200);
}, 120_000);
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await realtime?.close();
  await stack?.close();
});

const connect = async (user: TestUser) => {
  const client = await TestClient.connect(realtime.instances[0]!.wsUrl, user.token);
  clients.push(client);
  return client;
};
const newNotification = (client: TestClient, kind: string) => client.next((event) => event.type === 'notification.new' && event.notification.kind === kind, 20_000);

it('tells both parties of a request and its acceptance, each in their own language and time zone', async () => {
  const tutorTab = await connect(tutor);
  const studentTab = await connect(learner);
  const start = slotInDays(10, 14);
  const requested = await requestBooking(stack.api, learner, { tutorId: tutor.id, start, lengthMinutes: 60, paymentMethodId: 'pm_card_visa' });
  expect(requested.status, JSON.stringify(requested.body)).toBe(201);
  const { bookingId } = requested.body;

  const berlin = new Intl.DateTimeFormat('de-DE', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Berlin', timeZoneName: 'short' }).format(new Date(start));
  const newYork = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'America/New_York', timeZoneName: 'short' }).format(new Date(start));

  const toTutor = (await newNotification(tutorTab, 'booking.requested')).notification;
  expect(toTutor).toMatchObject({ title: 'Eine neue Stundenanfrage', data: { bookingId }, readAt: null });
  expect(toTutor.body).toContain(berlin);
  const toStudent = (await newNotification(studentTab, 'booking.requested')).notification;
  expect(toStudent).toMatchObject({ title: 'Your lesson request was sent', data: { bookingId } });
  expect(toStudent.body).toContain(newYork);

  const accepted = await call(stack.api, 'POST', `/api/bookings/${bookingId}/accept`, tutor, {});
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  expect((await newNotification(studentTab, 'booking.accepted')).notification).toMatchObject({ title: 'Your lesson is booked', data: { bookingId } });
  expect((await newNotification(tutorTab, 'booking.accepted')).notification).toMatchObject({ title: 'Deine Stunde ist gebucht', data: { bookingId } });

  // The same words by email, and the same list over REST.
  const tutorEmail = await waitForEmail(stack.fakes.fakes, tutor.email, (email) => email.subject === 'Deine Stunde ist gebucht');
  expect(tutorEmail.textContent).toContain(berlin);
  const studentEmail = await waitForEmail(stack.fakes.fakes, learner.email, (email) => email.subject === 'Your lesson is booked');
  expect(studentEmail.textContent).toContain(newYork);
  const listed = await call(stack.api, 'GET', '/api/notifications', learner);
  expect(listed.body.items.map((item: { kind: string }) => item.kind)).toEqual(['booking.accepted', 'booking.requested']);
  expect(listed.body.unreadCount).toBe(2);
});
