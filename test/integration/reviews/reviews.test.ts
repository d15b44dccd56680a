/**
 * Reviews through the API on the real stack: one per ended booking by its student within
 * REVIEW_WINDOW, editable for REVIEW_EDIT_WINDOW, one reply by the tutor, hidden by admins with an
 * audit entry, listed publicly by keyset pages, and the tutor's rating moving in the same
 * transaction, so the tutor search sorts and filters on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingStatus } from '../../../domain/booking-status.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import type { Json } from '../../support/http.js';
import { createTestTutor, insertBooking, send } from '../availability/fixtures.js';

const DAY = 86_400_000;

let api: RunningApi;
let tutor: TestUser;
let rival: TestUser;
let admin: TestUser;
const students: TestUser[] = [];

beforeAll(async () => {
  api = await startTestApi({ REVIEW_WINDOW: '14d', REVIEW_EDIT_WINDOW: '48h' });
  const { db } = api.container.resources;
  tutor = await createTestTutor(db, api.config, { displayName: 'reviewed tutor' });
  // Rated 4.5 from ten earlier ratings (a fixture, no reviews behind it).
  rival = await createTestTutor(db, api.config, { displayName: 'rival tutor', ratingAverage: 4.5, ratingCount: 10 });
  admin = await createTestUser(db, api.config, 'admin');
  for (let index = 0; index < 5; index += 1) students.push(await createTestUser(db, api.config, 'student', { displayName: `Student ${index}` }));
});
afterAll(() => api?.close());

/** A lesson of `student` with the tutor that ended `endedDaysAgo` days ago. */
function booking(student: TestUser, endedDaysAgo = 1, status: BookingStatus = 'ENDED', withTutor = tutor): Promise<string> {
  const end = new Date(Date.now() - endedDaysAgo * DAY - Math.floor(Math.random() * 600) * 60_000);
  return insertBooking(api.container.resources.db, { tutorId: withTutor.id, studentId: student.id, start: new Date(end.getTime() - 3_600_000), end, status });
}

const review = (student: TestUser, bookingId: string, body: unknown) => send(api.baseUrl, 'POST', `/api/bookings/${bookingId}/review`, student, body);

async function rating(tutorId: string): Promise<{ average: number | null; count: number }> {
  const { status, body } = await send(api.baseUrl, 'GET', `/api/tutors/${tutorId}`, undefined);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.rating;
}

function expectProblem(answer: { status: number; headers: Headers }, status: number) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
}

describe('writing a review', () => {
  let first: Json;

  it('lets the student of an ended lesson review it once, and moves the tutor’s rating at once', async () => {
    const bookingId = await booking(students[0]!);
    const answer = await review(students[0]!, bookingId, { rating: 4, text: 'Clear and patient.' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    first = answer.body;
    expect(first).toMatchObject({ bookingId, tutorId: tutor.id, studentId: students[0]!.id, rating: 4, text: 'Clear and patient.', reply: null, hidden: false });
    expect(answer.headers.get('location')).toBe(`/api/reviews/${first.id}`);
    expect(new Date(first.editableUntil).getTime() - new Date(first.createdAt).getTime()).toBe(2 * DAY);
    expect(await rating(tutor.id)).toEqual({ average: 4, count: 1 });

    expectProblem(await review(students[0]!, bookingId, { rating: 5, text: 'Again' }), 409);
    expect(await rating(tutor.id)).toEqual({ average: 4, count: 1 });
  });

  it('answers 404 to anyone but the booking’s student, and for a booking that does not exist', async () => {
    const bookingId = await booking(students[1]!);
    expectProblem(await review(students[2]!, bookingId, { rating: 5, text: 'Not my lesson' }), 404);
    expectProblem(await review(tutor, bookingId, { rating: 5, text: 'My own lesson' }), 404);
    expectProblem(await review(students[1]!, '00000000-0000-4000-8000-000000000000', { rating: 5, text: 'No lesson' }), 404);
  });

  it('refuses (409) a lesson that has not ended, and one that ended before the review window', async () => {
    const scheduled = await booking(students[1]!, -3, 'SCHEDULED');
    const cancelled = await booking(students[1]!, 2, 'CANCELLED');
    const old = await booking(students[1]!, 15);
    for (const bookingId of [scheduled, cancelled, old]) expectProblem(await review(students[1]!, bookingId, { rating: 5, text: 'Great' }), 409);
    expect(await rating(tutor.id)).toEqual({ average: 4, count: 1 });
  });

  it('validates the rating and the text (400 problem+json)', async () => {
    const bookingId = await booking(students[1]!);
    for (const body of [{ rating: 0, text: 'x' }, { rating: 6, text: 'x' }, { rating: 4.5, text: 'x' }, { rating: 4, text: '  ' }, { rating: 4 }]) {
      expectProblem(await review(students[1]!, bookingId, body), 400);
    }
  });

  it('takes one of two simultaneous reviews of a lesson (409 for the other), and counts concurrent reviews of one tutor exactly', async () => {
    const bookingId = await booking(students[1]!);
    const twins = await Promise.all([review(students[1]!, bookingId, { rating: 5, text: 'One' }), review(students[1]!, bookingId, { rating: 4, text: 'Two' })]);
    expect(twins.map((answer) => answer.status).sort()).toEqual([201, 409]);

    const others = await Promise.all([students[2]!, students[3]!].map(async (student) => review(student, await booking(student), { rating: 3, text: 'Fine' })));
    expect(others.map((answer) => answer.status)).toEqual([201, 201]);
    const rated = twins.find((answer) => answer.status === 201)!.body.rating as number;
    // 4 (first), the twin that won, 3 and 3.
    expect(await rating(tutor.id)).toEqual({ average: Math.round(((4 + rated + 3 + 3) / 4) * 100) / 100, count: 4 });
  });

  it('lets the author edit within REVIEW_EDIT_WINDOW, then refuses (409)', async () => {
    const before = await rating(tutor.id);
    const edited = await send(api.baseUrl, 'PUT', `/api/reviews/${first.id}`, students[0]!, { rating: 5, text: 'Even better on reflection.' });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ id: first.id, rating: 5, text: 'Even better on reflection.' });
    expect((await rating(tutor.id)).average).toBeCloseTo(before.average! + 1 / before.count, 2);

    expectProblem(await send(api.baseUrl, 'PUT', `/api/reviews/${first.id}`, students[1]!, { rating: 1, text: 'Not mine' }), 404);
    await api.container.resources.db('reviews').where('id', first.id).update({ created_at: new Date(Date.now() - 3 * DAY) });
    expectProblem(await send(api.baseUrl, 'PUT', `/api/reviews/${first.id}`, students[0]!, { rating: 1, text: 'Too late' }), 409);
  });

  it('shows a lesson’s review to its student, its tutor and admins; 404 to anyone else', async () => {
    const path = `/api/bookings/${first.bookingId}/review`;
    for (const user of [students[0]!, tutor, admin]) {
      const answer = await send(api.baseUrl, 'GET', path, user);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toMatchObject({ id: first.id, bookingId: first.bookingId });
    }
    for (const user of [students[1]!, rival]) expectProblem(await send(api.baseUrl, 'GET', path, user), 404);
    expectProblem(await send(api.baseUrl, 'GET', `/api/bookings/${await booking(students[4]!)}/review`, students[4]!), 404);
  });

  it('lets the tutor reply once; nobody else may', async () => {
    const path = `/api/reviews/${first.id}/reply`;
    expectProblem(await send(api.baseUrl, 'POST', path, rival, { text: 'Not my review' }), 404);
    expectProblem(await send(api.baseUrl, 'POST', path, students[0]!, { text: 'My own review' }), 404);
    const replied = await send(api.baseUrl, 'POST', path, tutor, { text: 'Thank you!' });
    expect(replied.status, JSON.stringify(replied.body)).toBe(200);
    expect(replied.body).toMatchObject({ reply: 'Thank you!', rating: 5 });
    expect(replied.body.repliedAt).toEqual(expect.any(String));
    expectProblem(await send(api.baseUrl, 'POST', path, tutor, { text: 'Thanks again' }), 409);
  });
});

describe('the tutor search by rating', () => {
  it('sorts and filters on the rating the reviews wrote', async () => {
    const { average } = await rating(tutor.id);
    expect(average).toBeGreaterThan(3);
    expect(average).toBeLessThan(4.5);
    const sorted = await send(api.baseUrl, 'GET', '/api/tutors?sort=rating&limit=10', undefined);
    expect(sorted.status).toBe(200);
    expect(sorted.body.items.map((item: Json) => [item.tutorId, item.ratingAverage, item.ratingCount])).toEqual([
      [rival.id, 4.5, 10],
      [tutor.id, average, 4],
    ]);
    const filtered = await send(api.baseUrl, 'GET', `/api/tutors?minRating=${average}`, undefined);
    expect(filtered.body.items.map((item: Json) => item.tutorId).sort()).toEqual([rival.id, tutor.id].sort());
    const above = await send(api.baseUrl, 'GET', `/api/tutors?minRating=${average! + 0.01}`, undefined);
    expect(above.body.items.map((item: Json) => item.tutorId)).toEqual([rival.id]);
  });
});

describe('the public list and moderation', () => {
  async function walk(tutorId: string, limit: number): Promise<Json[]> {
    const items: Json[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const { status, body } = await send(api.baseUrl, 'GET', `/api/tutors/${tutorId}/reviews?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, undefined);
      expect(status, JSON.stringify(body)).toBe(200);
      items.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error('the walk did not end');
  }

  it('lists a tutor’s reviews newest first, page by page, with each author’s name', async () => {
    const all = await walk(tutor.id, 100);
    expect(all).toHaveLength(4);
    expect(await walk(tutor.id, 1)).toEqual(all);
    expect(all.map((item) => item.createdAt)).toEqual(all.map((item) => item.createdAt).sort().reverse());
    expect(all.every((item) => /^Student \d$/.test(item.studentName) && !('studentId' in item))).toBe(true);
    expect((await walk(rival.id, 10)).length).toBe(0);
    expectProblem(await send(api.baseUrl, 'GET', `/api/tutors/${tutor.id}/reviews?cursor=garbage`, undefined), 400);
  });

  it('lets only admins hide a review: it leaves the list and the rating, and the audit log says who and why', async () => {
    const [target] = await walk(tutor.id, 1);
    const path = `/api/admin/reviews/${target.id}/hide`;
    for (const user of [students[0]!, tutor]) expectProblem(await send(api.baseUrl, 'POST', path, user, { reason: 'spam' }), 403);
    expectProblem(await send(api.baseUrl, 'POST', path, admin, {}), 400);
    const before = await rating(tutor.id);

    const hidden = await send(api.baseUrl, 'POST', path, admin, { reason: 'Personal details in the text' });
    expect(hidden.status, JSON.stringify(hidden.body)).toBe(200);
    expect(hidden.body).toMatchObject({ id: target.id, hidden: true, hiddenReason: 'Personal details in the text' });
    expectProblem(await send(api.baseUrl, 'POST', path, admin, { reason: 'again' }), 409);

    expect((await walk(tutor.id, 2)).map((item) => item.id)).not.toContain(target.id);
    const after = await rating(tutor.id);
    expect(after.count).toBe(before.count - 1);
    expect(after.average).toBeCloseTo((before.average! * before.count - target.rating) / after.count, 1);

    const audit = await send(api.baseUrl, 'GET', '/api/admin/audit-log', admin);
    expect(audit.status).toBe(200);
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({ bookingId: hidden.body.bookingId, adminId: admin.id, type: 'review.hidden', data: expect.objectContaining({ reviewId: target.id, reason: 'Personal details in the text' }) }),
    );
    // Its author can no longer change it.
    const author = students.find((student) => student.id === hidden.body.studentId)!;
    expectProblem(await send(api.baseUrl, 'PUT', `/api/reviews/${target.id}`, author, { rating: 5, text: 'Let me back' }), 409);
  });

  it('clears the rating when every review is hidden', async () => {
    for (const item of await walk(tutor.id, 100)) {
      expect((await send(api.baseUrl, 'POST', `/api/admin/reviews/${item.id}/hide`, admin, { reason: 'test' })).status).toBe(200);
    }
    expect(await rating(tutor.id)).toEqual({ average: null, count: 0 });
    expect(await walk(tutor.id, 10)).toEqual([]);
  });
});
