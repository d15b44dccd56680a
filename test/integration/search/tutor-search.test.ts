import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import type { Json } from '../../support/http.js';
import { createTestTutor, insertBooking, send, type TutorOptions, utcDateFromToday } from '../availability/fixtures.js';

let api: RunningApi;
const named: Record<string, TestUser> = {};
const published: string[] = [];
const hidden: string[] = [];

const SAME_MOMENT = new Date('2026-06-01T12:00:00.123456Z');

beforeAll(async () => {
  api = await startTestApi();
  const db = api.container.resources.db;
  const add = async (name: string, options: TutorOptions) => {
    const tutor = await createTestTutor(db, api.config, { displayName: name, ...options });
    named[name] = tutor;
    (options.published === false ? hidden : published).push(tutor.id);
    return tutor;
  };
  await add('algebra', { subjects: ['math.algebra'], languages: ['en'], hourlyRateMinor: 3_000, ratingAverage: 4.8, verificationStatus: 'verified' });
  await add('geometry', { subjects: ['math.geometry'], languages: ['en-GB'], hourlyRateMinor: 4_500, ratingAverage: 4.2 });
  await add('maths', { subjects: ['math'], languages: ['fr'], currency: 'EUR', hourlyRateMinor: 2_500 });
  await add('piano', { subjects: ['music.piano'], languages: ['en'], hourlyRateMinor: 3_000, ratingAverage: 4.8, verificationStatus: 'verified' });
  await add('piano-es', { subjects: ['music.piano'], languages: ['es'], hourlyRateMinor: 6_000, ratingAverage: 3.5 });
  await add('english', { subjects: ['languages.english'], languages: ['en'], hourlyRateMinor: 2_000, ratingAverage: 5, ratingCount: 1 });
  await add('unpublished', { subjects: ['math.algebra'], languages: ['en'], hourlyRateMinor: 1_000, ratingAverage: 5, verificationStatus: 'verified', published: false });
  const disabled = await add('disabled', { subjects: ['math.algebra'], languages: ['en'], hourlyRateMinor: 1_000, published: false });
  // Published, but the account is disabled: as good as unpublished.
  await db('tutor_profiles').where('user_id', disabled.id).update({ published: true });
  await db('users').where('id', disabled.id).update({ disabled_at: new Date() });

  // Fillers with many ties on every sort key, so pages must break ties to walk cleanly.
  const prices = [1_500, 1_500, 1_500, 2_000, 2_000, 3_000];
  const ratings = [null, 3, 4, 4, 4.4, null];
  for (let index = 0; index < 16; index += 1) {
    await add(`filler-${index}`, {
      subjects: ['sciences.physics'],
      languages: ['de'],
      currency: 'GBP',
      hourlyRateMinor: prices[index % prices.length],
      ratingAverage: ratings[index % ratings.length],
      createdAt: index % 3 === 0 ? SAME_MOMENT : new Date(Date.UTC(2026, 0, 1 + index)),
    });
  }
});
afterAll(() => api.close());

const search = (query: string) => send(api.baseUrl, 'GET', `/api/tutors${query ? `?${query}` : ''}`, undefined);
const ids = (body: Json) => body.items.map((item: { tutorId: string }) => item.tutorId);
const idsOf = (...names: string[]) => names.map((name) => named[name]!.id);

/** Every page, following nextCursor. */
async function walk(query: string, limit: number): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages += 1) {
    const { status, body } = await search(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.items.length).toBeLessThanOrEqual(limit);
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('the walk did not end');
}

describe('GET /api/tutors', () => {
  it('lists published tutors only, with their card', async () => {
    const { status, body } = await search('limit=50');
    expect(status).toBe(200);
    expect(ids(body).sort()).toEqual([...published].sort());
    for (const id of hidden) expect(ids(body)).not.toContain(id);
    expect(body.nextCursor).toBeNull();
    const algebra = body.items.find((item: { tutorId: string }) => item.tutorId === named.algebra!.id);
    expect(algebra).toEqual({
      tutorId: named.algebra!.id,
      displayName: 'algebra',
      headline: 'Headline of algebra',
      hourlyRateMinor: 3_000,
      currency: 'USD',
      lessonLengths: [60],
      timeZone: 'UTC',
      instantBooking: false,
      verified: true,
      ratingAverage: 4.8,
      ratingCount: 10,
      avatarFileId: null,
      subjects: ['math.algebra'],
      languages: ['en'],
      createdAt: expect.any(String),
    });
  });

  it.each([
    ['relevance', (a: Json, b: Json) => relevance(a) >= relevance(b)],
    ['price_asc', (a: Json, b: Json) => a.hourlyRateMinor <= b.hourlyRateMinor],
    ['price_desc', (a: Json, b: Json) => a.hourlyRateMinor >= b.hourlyRateMinor],
    ['rating', (a: Json, b: Json) => (a.ratingAverage ?? -1) >= (b.ratingAverage ?? -1)],
    ['newest', (a: Json, b: Json) => Date.parse(a.createdAt) >= Date.parse(b.createdAt)],
  ])('walks sort=%s page by page with no duplicate and no gap, in order', async (sort, inOrder) => {
    const items = await walk(`sort=${sort}`, 4);
    const walked = items.map((item) => item.tutorId);
    expect(new Set(walked).size).toBe(walked.length);
    expect([...walked].sort()).toEqual([...published].sort());
    for (let index = 1; index < items.length; index += 1) expect(inOrder(items[index - 1], items[index]), `${sort} at ${index}`).toBe(true);
  });

  it('puts unrated tutors last when sorting by rating', async () => {
    const items = await walk('sort=rating', 5);
    const firstUnrated = items.findIndex((item) => item.ratingAverage === null);
    expect(firstUnrated).toBeGreaterThan(0);
    expect(items.slice(firstUnrated).every((item) => item.ratingAverage === null)).toBe(true);
  });

  it('filters by subject, including the subjects under it', async () => {
    expect(ids((await search('subject=math')).body).sort()).toEqual(idsOf('algebra', 'geometry', 'maths').sort());
    expect(ids((await search('subject=math.algebra')).body)).toEqual(idsOf('algebra'));
    expect((await search('subject=no.such-subject')).body).toEqual({ items: [], nextCursor: null });
  });

  it('filters by language, a primary tag matching its regional variants', async () => {
    expect(ids((await search('language=en')).body).sort()).toEqual(idsOf('algebra', 'geometry', 'piano', 'english').sort());
    expect(ids((await search('language=en-gb')).body)).toEqual(idsOf('geometry'));
  });

  it('filters by price within one currency, rating and verification', async () => {
    expect(ids((await search('currency=usd&minPrice=2500&maxPrice=4500')).body).sort()).toEqual(idsOf('algebra', 'geometry', 'piano').sort());
    expect(ids((await search('currency=EUR')).body)).toEqual(idsOf('maths'));
    expect(ids((await search('minRating=4.5')).body).sort()).toEqual(idsOf('algebra', 'piano', 'english').sort());
    expect(ids((await search('verifiedOnly=true')).body).sort()).toEqual(idsOf('algebra', 'piano').sort());
    expect(ids((await search('subject=music&language=en&verifiedOnly=true')).body)).toEqual(idsOf('piano'));
  });

  it('ranks by relevance: rating weighed by its count, verified first', async () => {
    const order = ids((await search('limit=50')).body) as string[];
    const rank = (name: string) => order.indexOf(named[name]!.id);
    expect(rank('algebra')).toBeLessThan(rank('english')); // 4.8 over ten reviews beats a single 5.0
    expect(rank('piano')).toBeLessThan(rank('geometry'));
    expect(rank('english')).toBeLessThan(rank('maths')); // unrated counts as 4.0
  });

  it.each([
    ['a price without a currency', 'minPrice=1000', 'query.currency'],
    ['a price range upside down', 'currency=USD&minPrice=5000&maxPrice=1000', 'query.maxPrice'],
    ['freeFrom without freeTo', 'freeFrom=2027-01-04T09:00:00Z', 'query.freeTo'],
    ['a free window longer than 31 days', 'freeFrom=2027-01-01T00:00:00Z&freeTo=2027-02-15T00:00:00Z', 'query.freeTo'],
    ['an unknown sort', 'sort=cheapest', 'query.sort'],
    ['a limit above 50', 'limit=51', 'query.limit'],
    ['a junk cursor', 'cursor=bm90LWEtY3Vyc29y', 'query.cursor'],
    ['a malformed language', 'language=english!', 'query.language'],
  ])('answers 400 for %s', async (_case, query, errorPath) => {
    const { status, body } = await search(query);
    expect(status).toBe(400);
    expect(body.errors.map((error: { path: string }) => error.path)).toContain(errorPath);
  });

  it('refuses a cursor made for another sort', async () => {
    const first = await search('sort=price_asc&limit=2');
    const { status, body } = await search(`sort=newest&cursor=${first.body.nextCursor}`);
    expect(status).toBe(400);
    expect(body.errors[0].path).toBe('query.cursor');
  });
});

describe('GET /api/tutors?freeFrom&freeTo', () => {
  it('keeps tutors with a bookable lesson in the window, and only them', async () => {
    const db = api.container.resources.db;
    const student = await createTestUser(db, api.config, 'student');
    const day = utcDateFromToday(4);
    const window = `freeFrom=${day}T09:00:00Z&freeTo=${day}T12:00:00Z`;
    const everyDay = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '09:00', end: '12:00' }));
    const lateDay = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '13:00', end: '17:00' }));
    for (const name of ['algebra', 'geometry']) {
      expect((await send(api.baseUrl, 'PUT', '/api/me/availability/rules', named[name], { rules: everyDay })).status).toBe(200);
    }
    expect((await send(api.baseUrl, 'PUT', '/api/me/availability/rules', named.maths, { rules: lateDay })).status).toBe(200);
    // geometry is booked through the whole window.
    await insertBooking(db, {
      tutorId: named.geometry!.id,
      studentId: student.id,
      start: new Date(`${day}T09:00:00Z`),
      end: new Date(`${day}T12:00:00Z`),
      status: 'SCHEDULED',
    });

    expect(ids((await search(`subject=math&${window}`)).body)).toEqual(idsOf('algebra'));
    // A window that ends before a whole lesson fits finds no one.
    expect(ids((await search(`subject=math&freeFrom=${day}T11:30:00Z&freeTo=${day}T12:15:00Z`)).body)).toEqual([]);
    // Pages of the free filter walk like the others.
    const walked = (await walk(`${window}&sort=price_desc`, 1)).map((item) => item.tutorId);
    expect(walked).toEqual(idsOf('algebra'));
  });
});

/** The relevance formula of migration 0210, to check the order the API returns. */
function relevance(card: Json): number {
  const count = card.ratingAverage === null ? 0 : card.ratingCount;
  const score = ((card.ratingAverage ?? 0) * count + 4 * 5) / (count + 5) + (card.verified ? 0.25 : 0);
  return Math.round(score * 10_000) / 10_000;
}
