import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { callApi, type Json } from '../../support/http.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';

let api: RunningApi;
let admin: TestUser;
let student: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  admin = await createTestUser(api.container.resources.db, api.config, 'admin');
  student = await createTestUser(api.container.resources.db, api.config, 'student');
});
afterAll(() => api.close());

const newTutor = () => createTestUser(api.container.resources.db, api.config, 'tutor', { timeZone: 'America/New_York' });

const send = (method: string, path: string, user: TestUser | undefined, body?: unknown) => callApi(api.baseUrl, method, path, { user, body });

const complete = {
  headline: 'Algebra and calculus, patiently',
  bio: 'Ten years of teaching high-school maths.',
  hourlyRateMinor: 4500,
  currency: 'USD',
  lessonLengths: [90, 30, 60, 60],
  timeZone: 'europe/paris',
  instantBooking: true,
  cancellationPolicy: 'strict',
  subjects: ['math.algebra', 'math.calculus'],
  languages: ['en', 'pt-br'],
};

async function rowCounts(tutorId: string) {
  const db = api.container.resources.db;
  const count = async (table: string, column: string) => Number((await db(table).where(column, tutorId).count({ n: '*' }))[0]!.n);
  return {
    profiles: await count('tutor_profiles', 'user_id'),
    subjects: await count('tutor_subjects', 'tutor_id'),
    languages: await count('tutor_languages', 'tutor_id'),
  };
}

describe('GET /api/subjects', () => {
  it('answers the seeded taxonomy as a tree', async () => {
    const { status, body } = await send('GET', '/api/subjects', undefined);
    expect(status).toBe(200);
    const areas = body.items.map((area: Json) => area.id);
    expect(areas).toEqual(expect.arrayContaining(['languages', 'math', 'sciences', 'music', 'programming', 'test-prep']));
    const math = body.items.find((area: Json) => area.id === 'math');
    expect(math.children).toEqual(expect.arrayContaining([{ id: 'math.algebra', name: 'Algebra', children: [] }]));
    const total = body.items.reduce((sum: number, area: Json) => sum + 1 + area.children.length, 0);
    expect(total).toBeGreaterThanOrEqual(30);
  });
});

describe('writing a tutor profile', () => {
  it('creates it on the first PUT, in canonical form', async () => {
    const tutor = await newTutor();
    const { status, body } = await send('PUT', '/api/me/tutor-profile', tutor, complete);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      userId: tutor.id,
      displayName: tutor.displayName,
      hourlyRateMinor: 4500,
      currency: 'USD',
      lessonLengths: [30, 60, 90],
      timeZone: 'Europe/Paris',
      languages: ['en', 'pt-BR'],
      instantBooking: true,
      cancellationPolicy: 'strict',
      verificationStatus: 'unverified',
      rating: { average: null, count: 0 },
      published: false,
      avatarUrl: null,
    });
    expect(body.subjects).toEqual([
      { id: 'math.algebra', name: 'Algebra' },
      { id: 'math.calculus', name: 'Calculus' },
    ]);
    expect(await rowCounts(tutor.id)).toEqual({ profiles: 1, subjects: 2, languages: 2 });
  });

  it('refuses a bad zone, lesson length, language and currency with one field error each, writing nothing', async () => {
    const tutor = await newTutor();
    const { status, body } = await send('PUT', '/api/me/tutor-profile', tutor, {
      ...complete,
      timeZone: '+02:00',
      lessonLengths: [60, 50],
      languages: ['en', 'klingonish'],
      currency: 'usd',
    });
    expect(status).toBe(400);
    expect(body.type).toBe('urn:tutorflow:problem:invalid-input');
    const paths = body.errors.map((issue: Json) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['body.timeZone', 'body.lessonLengths.1', 'body.languages.1', 'body.currency']));
    expect(await rowCounts(tutor.id)).toEqual({ profiles: 0, subjects: 0, languages: 0 });
  });

  it('refuses an unknown subject, naming it, and writes nothing', async () => {
    const tutor = await newTutor();
    const { status, body } = await send('PUT', '/api/me/tutor-profile', tutor, { ...complete, subjects: ['math.algebra', 'math.astrology'] });
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ path: 'body.subjects.1', message: expect.stringContaining('math.astrology') }]);
    expect(await rowCounts(tutor.id)).toEqual({ profiles: 0, subjects: 0, languages: 0 });
  });

  it('refuses an existing profile change with an unknown subject, keeping the stored one', async () => {
    const tutor = await newTutor();
    await send('PUT', '/api/me/tutor-profile', tutor, complete);
    const { status } = await send('PATCH', '/api/me/tutor-profile', tutor, { headline: 'New headline', subjects: ['nope'] });
    expect(status).toBe(400);
    const mine = await send('GET', '/api/me/tutor-profile', tutor);
    expect(mine.body.headline).toBe(complete.headline);
    expect(mine.body.subjects.map((subject: Json) => subject.id)).toEqual(['math.algebra', 'math.calculus']);
  });

  it('needs a rate and currency when a PATCH creates the profile; takes the zone from the account', async () => {
    const tutor = await newTutor();
    const refused = await send('PATCH', '/api/me/tutor-profile', tutor, { headline: 'Hello' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((issue: Json) => issue.path).sort()).toEqual(['body.currency', 'body.hourlyRateMinor']);
    expect((await rowCounts(tutor.id)).profiles).toBe(0);

    const created = await send('PATCH', '/api/me/tutor-profile', tutor, { hourlyRateMinor: 3000, currency: 'EUR' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ timeZone: 'America/New_York', lessonLengths: [60], cancellationPolicy: 'moderate', headline: '' });
  });

  it('PATCH changes only what it names; PUT resets what it leaves out', async () => {
    const tutor = await newTutor();
    await send('PUT', '/api/me/tutor-profile', tutor, complete);
    const patched = await send('PATCH', '/api/me/tutor-profile', tutor, { hourlyRateMinor: 5000 });
    expect(patched.body).toMatchObject({ hourlyRateMinor: 5000, headline: complete.headline, languages: ['en', 'pt-BR'] });
    expect(patched.body.subjects).toHaveLength(2);

    const replaced = await send('PUT', '/api/me/tutor-profile', tutor, { hourlyRateMinor: 5000, currency: 'USD', timeZone: 'UTC' });
    expect(replaced.body).toMatchObject({ headline: '', bio: '', subjects: [], languages: [], lessonLengths: [60], instantBooking: false });
    expect(await rowCounts(tutor.id)).toEqual({ profiles: 1, subjects: 0, languages: 0 });
  });

  it('refuses fields the owner may not set', async () => {
    const tutor = await newTutor();
    const { status, body } = await send('PUT', '/api/me/tutor-profile', tutor, { ...complete, verificationStatus: 'verified', ratingAverage: 5 });
    expect(status).toBe(400);
    expect(body.errors.length).toBeGreaterThan(0);
    expect((await rowCounts(tutor.id)).profiles).toBe(0);
  });

  it('is for tutors only', async () => {
    expect((await send('PUT', '/api/me/tutor-profile', student, complete)).status).toBe(403);
    expect((await send('PATCH', '/api/me/tutor-profile', admin, complete)).status).toBe(403);
    expect((await send('PUT', '/api/me/tutor-profile', undefined, complete)).status).toBe(401);
  });
});

describe('publishing', () => {
  it('needs a headline, a bio, a subject and a language', async () => {
    const tutor = await newTutor();
    const refused = await send('PUT', '/api/me/tutor-profile', tutor, { hourlyRateMinor: 4000, currency: 'USD', timeZone: 'UTC', published: true });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((issue: Json) => issue.path).sort()).toEqual(['body.bio', 'body.headline', 'body.languages', 'body.subjects']);
    expect((await rowCounts(tutor.id)).profiles).toBe(0);

    await send('PUT', '/api/me/tutor-profile', tutor, { ...complete, languages: [] });
    const stillIncomplete = await send('PATCH', '/api/me/tutor-profile', tutor, { published: true });
    expect(stillIncomplete.status).toBe(422);
    expect(stillIncomplete.body.errors).toEqual([{ path: 'body.languages', message: expect.any(String) }]);

    const published = await send('PATCH', '/api/me/tutor-profile', tutor, { published: true, languages: ['fr'] });
    expect(published.status).toBe(200);
    expect(published.body.published).toBe(true);
  });

  it('keeps a published profile complete', async () => {
    const tutor = await newTutor();
    await send('PUT', '/api/me/tutor-profile', tutor, { ...complete, published: true });
    const emptied = await send('PATCH', '/api/me/tutor-profile', tutor, { subjects: [] });
    expect(emptied.status).toBe(422);
    expect((await rowCounts(tutor.id)).subjects).toBe(2);
    // Unpublishing first is how a tutor takes the profile apart.
    expect((await send('PATCH', '/api/me/tutor-profile', tutor, { subjects: [], published: false })).status).toBe(200);
  });
});

describe('GET /api/tutors/:id', () => {
  it('shows an unpublished profile to its owner and admins only', async () => {
    const tutor = await newTutor();
    const otherTutor = await newTutor();
    await send('PUT', '/api/me/tutor-profile', tutor, complete);

    expect((await send('GET', `/api/tutors/${tutor.id}`, undefined)).status).toBe(404);
    expect((await send('GET', `/api/tutors/${tutor.id}`, student)).status).toBe(404);
    expect((await send('GET', `/api/tutors/${tutor.id}`, otherTutor)).status).toBe(404);
    const own = await send('GET', `/api/tutors/${tutor.id}`, tutor);
    expect(own.status).toBe(200);
    expect(own.body.published).toBe(false);
    expect((await send('GET', `/api/tutors/${tutor.id}`, admin)).status).toBe(200);

    await send('PATCH', '/api/me/tutor-profile', tutor, { published: true });
    const anonymous = await send('GET', `/api/tutors/${tutor.id}`, undefined);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toMatchObject({ userId: tutor.id, headline: complete.headline, timeZone: 'Europe/Paris', published: true });
    expect(anonymous.body).not.toHaveProperty('stripeAccountId');
  });

  it('answers 404 for someone who is no tutor, and 400 for a malformed id', async () => {
    expect((await send('GET', `/api/tutors/${student.id}`, admin)).status).toBe(404);
    expect((await send('GET', '/api/tutors/not-a-uuid', undefined)).status).toBe(400);
  });
});

describe('student profile', () => {
  it('reads the account zone before any write, then keeps what is written', async () => {
    const learner = await createTestUser(api.container.resources.db, api.config, 'student', { timeZone: 'Asia/Tokyo' });
    const before = await send('GET', '/api/me/student-profile', learner);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ userId: learner.id, displayName: learner.displayName, timeZone: 'Asia/Tokyo', avatarUrl: null });

    const bad = await send('PATCH', '/api/me/student-profile', learner, { timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.timeZone');
    expect(await api.container.resources.db('student_profiles').where({ user_id: learner.id }).first()).toBeUndefined();

    const saved = await send('PATCH', '/api/me/student-profile', learner, { timeZone: 'europe/lisbon' });
    expect(saved.status).toBe(200);
    expect(saved.body.timeZone).toBe('Europe/Lisbon');
    expect((await send('GET', '/api/me/student-profile', learner)).body.timeZone).toBe('Europe/Lisbon');
  });

  it('is for students only', async () => {
    const tutor = await newTutor();
    expect((await send('GET', '/api/me/student-profile', tutor)).status).toBe(403);
    expect((await send('PATCH', '/api/me/student-profile', admin, { timeZone: 'UTC' })).status).toBe(403);
  });
});
