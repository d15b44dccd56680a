/**
 * Review moderation on the real stack: the reviewed tutor reports a visible review (once), the
 * admin list shows recent, reported and hidden reviews with their reports, filtered and paged, and
 * the "How was your lesson?" email that ends a lesson carries the student to the review page of the
 * web app (the notify activity, as the workflow runs it, against Postgres and the Brevo fake).
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBookingActivities } from '../../../activities/booking/activities.js';
import { createEmailSender } from '../../../platform/email/create-email-sender.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestFakes, type TestFakes } from '../../support/fakes.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import type { ApiAnswer, Json } from '../../support/http.js';
import { runActivity } from '../booking-activities/support.js';
import { createTestTutor, insertBooking, send } from '../availability/fixtures.js';

const FRONTEND = 'https://app.tutorflow.example';

let api: RunningApi;
let fakes: TestFakes;
let tutor: TestUser;
let otherTutor: TestUser;
let admin: TestUser;
let bystander: TestUser;
const students: TestUser[] = [];

beforeAll(async () => {
  fakes = await startTestFakes();
  api = await startTestApi({ ...fakes.overrides, FRONTEND_BASE_URL: FRONTEND });
  const { db } = api.container.resources;
  tutor = await createTestTutor(db, api.config, { displayName: 'Moderated tutor' });
  otherTutor = await createTestTutor(db, api.config, { displayName: 'Other tutor' });
  admin = await createTestUser(db, api.config, 'admin');
  bystander = await createTestUser(db, api.config, 'student');
  for (let index = 0; index < 4; index += 1) students.push(await createTestUser(db, api.config, 'student', { displayName: `Reviewer ${index}` }));
});
afterAll(async () => {
  await api?.close();
  await fakes?.close();
});

async function reviewed(student: TestUser, rating: number, withTutor = tutor): Promise<string> {
  const end = new Date(Date.now() - 86_400_000 - Math.floor(Math.random() * 600) * 60_000);
  const bookingId = await insertBooking(api.container.resources.db, { tutorId: withTutor.id, studentId: student.id, start: new Date(end.getTime() - 3_600_000), end, status: 'ENDED' });
  const answer = await send(api.baseUrl, 'POST', `/api/bookings/${bookingId}/review`, student, { rating, text: `Rated ${rating}` });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.id as string;
}

const report = (user: TestUser, reviewId: string, reason = 'names a phone number') => send(api.baseUrl, 'POST', `/api/reviews/${reviewId}/report`, user, { reason });
const moderation = (query: string, user: TestUser = admin) => send(api.baseUrl, 'GET', `/api/admin/reviews?${query}`, user);

function expectProblem(answer: ApiAnswer, status: number) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
}

describe('reporting a review', () => {
  it('takes one report from the reviewed tutor; anyone else, a hidden or an unknown review is a 404', async () => {
    const reviewId = await reviewed(students[0]!, 1);
    expect((await report(tutor, reviewId, 'not about the lesson')).status).toBe(204);
    expectProblem(await report(tutor, reviewId, 'again'), 409);
    expectProblem(await report(students[0]!, reviewId), 404);
    expectProblem(await report(bystander, reviewId), 404);
    expectProblem(await report(otherTutor, reviewId), 404);
    expectProblem(await report(tutor, randomUUID()), 404);
    expectProblem(await send(api.baseUrl, 'POST', `/api/reviews/${reviewId}/report`, tutor, { reason: '' }), 400);

    const hiddenId = await reviewed(students[1]!, 2);
    expect((await send(api.baseUrl, 'POST', `/api/admin/reviews/${hiddenId}/hide`, admin, { reason: 'insults' })).status).toBe(200);
    expectProblem(await report(tutor, hiddenId), 404);
  });
});

describe('the moderation list', () => {
  let reportedId: string;
  let hiddenId: string;
  let cleanId: string;

  beforeAll(async () => {
    reportedId = await reviewed(students[2]!, 2);
    cleanId = await reviewed(students[3]!, 5);
    hiddenId = await reviewed(students[2]!, 1, otherTutor);
    expect((await report(tutor, reportedId, 'the reason')).status).toBe(204);
    expect((await send(api.baseUrl, 'POST', `/api/admin/reviews/${hiddenId}/hide`, admin, { reason: 'spam' })).status).toBe(200);
  });

  it('shows every review newest first, with names and reports, by keyset pages', async () => {
    const first = await moderation('limit=2');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.items.map((item: Json) => item.id)).toEqual([hiddenId, cleanId]);
    const rest = await moderation(`limit=50&cursor=${first.body.nextCursor}`);
    const reported = rest.body.items.find((item: Json) => item.id === reportedId);
    expect(reported).toMatchObject({ tutorName: 'Moderated tutor', studentName: 'Reviewer 2', rating: 2, hidden: false, reportCount: 1, lastReport: { reason: 'the reason' } });
    expect(first.body.items[1]).toMatchObject({ reportCount: 0, lastReport: null });
  });

  it('filters: reported (visible, with reports), hidden, by tutor and by rating', async () => {
    const reported = (await moderation('view=reported')).body.items.map((item: Json) => item.id);
    expect(reported).toContain(reportedId);
    expect(reported).not.toContain(cleanId);
    expect(reported).not.toContain(hiddenId);
    const hidden = (await moderation('view=hidden')).body.items;
    expect(hidden.map((item: Json) => item.id)).toContain(hiddenId);
    expect(hidden.every((item: Json) => item.hidden)).toBe(true);
    expect((await moderation(`tutorId=${otherTutor.id}`)).body.items.map((item: Json) => item.id)).toEqual([hiddenId]);
    const poor = (await moderation(`tutorId=${tutor.id}&maxRating=2`)).body.items;
    expect(poor.length).toBeGreaterThan(0);
    expect(poor.every((item: Json) => item.rating <= 2)).toBe(true);
  });

  it('is for admins only', async () => {
    expectProblem(await moderation('view=reported', tutor), 403);
    expectProblem(await moderation('view=reported', bystander), 403);
  });
});

describe('the "How was your lesson?" email', () => {
  it('links the student to the lesson’s review page in the web app, and not the tutor', async () => {
    const { db, redis } = api.container.resources;
    const emails = createEmailSender(api.config, db, pino({ level: 'silent' }));
    const activities = createBookingActivities({ config: api.config, db, redis, emails });
    const student = await createTestUser(db, api.config, 'student');
    const end = new Date(Date.now() - 60_000);
    const bookingId = await insertBooking(db, { tutorId: tutor.id, studentId: student.id, start: new Date(end.getTime() - 3_600_000), end, status: 'ENDED' });

    await runActivity(activities.notify, {
      bookingId,
      step: 'ended',
      template: 'lesson-ended',
      recipientUserIds: [student.id, tutor.id],
      params: { bookingId, sessionStart: new Date(end.getTime() - 3_600_000).toISOString(), sessionEnd: end.toISOString(), timeZone: 'UTC', priceMinor: 3_000, currency: 'USD' },
    });
    await emails.idle();

    const link = `${FRONTEND}/bookings/${bookingId}/review`;
    const [toStudent] = fakes.fakes.brevo.messages(student.email);
    expect(toStudent?.subject).toBe('How was your lesson?');
    expect(toStudent?.textContent).toContain(link);
    expect(toStudent?.htmlContent).toContain(link);
    const toTutor = fakes.fakes.brevo.messages(tutor.email).find((message) => message.subject === 'How was your lesson?');
    expect(toTutor?.textContent).not.toContain('/review');
  });
});
