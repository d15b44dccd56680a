/**
 * The development demo seed (scripts/demo-data/demo.ts) against a real database and stripe-mock: the demo
 * people can sign in with the printed passwords and be found and booked, a second run writes
 * nothing, a password changed since is kept, and nothing is written outside development.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { StudentProfileRepository } from '../../../db/repositories/student-profile-repository.js';
import { TutorProfileRepository } from '../../../db/repositories/tutor-profile-repository.js';
import { UserCredentialsRepository } from '../../../db/repositories/user-credentials-repository.js';
import { UserRepository } from '../../../db/repositories/user-repository.js';
import { DEMO_PACKAGES, DEMO_REVIEWS, DEMO_STUDENT, DEMO_TUTORS } from '../../../scripts/demo-data/demo-people.js';
import { DemoSeedRefused, seedDemo, type DemoSeedResult } from '../../../scripts/demo-data/demo.js';
import { createStripeClient } from '../../../integrations/stripe.js';
import { createEmailSender } from '../../../platform/email/create-email-sender.js';
import { Notifier } from '../../../platform/notifications/notifier.js';
import { PasswordHasher } from '../../../services/auth/password-hasher.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { readJson, type Json } from '../../support/http.js';
import { startStripeRecorder, type StripeRecorder } from '../../support/stripe-recorder.js';

let api: RunningApi;
let stripe: StripeRecorder;
let first: DemoSeedResult;

const seed = () =>
  seedDemo({ config: api.config, db: api.container.resources.db, stripe: createStripeClient(api.config.stripe), logger: pino({ level: 'silent' }) });

async function login(email: string, password: string): Promise<number> {
  const response = await fetch(`${api.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  await response.body?.cancel();
  return response.status;
}

async function get(path: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${api.baseUrl}${path}`);
  return { status: response.status, body: await readJson(response) };
}

beforeAll(async () => {
  stripe = await startStripeRecorder();
  api = await startTestApi({ STRIPE_API_BASE: stripe.url });
  first = await seed();
});
afterAll(async () => {
  await api?.close();
  await stripe?.close();
});

describe('demo seed', () => {
  it('creates an admin, a student and the tutors, each signing in with the password it lists', async () => {
    expect(first.accounts.map((account) => account.role)).toEqual(['admin', 'student', ...DEMO_TUTORS.map(() => 'tutor')]);
    expect(first.accounts.every((account) => account.created)).toBe(true);
    for (const account of first.accounts) expect(await login(account.email, account.password)).toBe(200);
  });

  it('publishes every tutor, findable in search, with bookable slots', async () => {
    const search = await get('/api/tutors?limit=50');
    expect(search.status).toBe(200);
    const listed = (search.body.items as { tutorId: string }[]).map((item) => item.tutorId);
    const tutorIds = first.accounts.filter((account) => account.role === 'tutor').map((account) => account.userId);
    expect(listed.sort()).toEqual([...tutorIds].sort());

    const instant = DEMO_TUTORS.find((tutor) => tutor.profile.instantBooking)!;
    const instantId = first.accounts.find((account) => account.email === instant.email)!.userId;
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const slots = await get(`/api/tutors/${instantId}/slots?from=${today}&to=${tomorrow}`);
    expect(slots.status).toBe(200);
    expect((slots.body.slots as unknown[]).length).toBeGreaterThan(0);
  });

  it('makes the student a Stripe customer with the test card, and gives a tutor payouts', async () => {
    const studentId = first.accounts.find((account) => account.role === 'student')!.userId;
    const profile = await new StudentProfileRepository(api.container.resources.db).findByUserId(studentId);
    expect(profile?.stripeCustomerId).toMatch(/^cus_/);
    const [attach] = stripe.requests({ method: 'POST', path: `/v1/payment_methods/${first.card}/attach` });
    expect(attach?.body.customer).toBe(profile?.stripeCustomerId);

    const tutors = new TutorProfileRepository(api.container.resources.db);
    const paid = await Promise.all(
      DEMO_TUTORS.filter((tutor) => tutor.payouts === 'enabled').map(async (tutor) => tutors.findByUserId(first.accounts.find((a) => a.email === tutor.email)!.userId)),
    );
    expect(paid.length).toBeGreaterThan(0);
    for (const tutor of paid) expect(tutor).toMatchObject({ stripeAccountId: expect.stringMatching(/^acct_/), payoutsEnabled: true });
  });

  it('gives the instant-booking tutor package offers and a free trial, listed publicly', async () => {
    const tutorId = first.accounts.find((account) => account.email === DEMO_PACKAGES.tutorEmail)!.userId;
    const offers = await get(`/api/tutors/${tutorId}/package-offers`);
    expect(offers.body.items.map((offer: { lessons: number; lengthMinutes: number }) => [offer.lessons, offer.lengthMinutes])).toEqual(DEMO_PACKAGES.offers.map((offer) => [offer.lessons, offer.lengthMinutes]));
    expect((await get(`/api/tutors/${tutorId}/trial-offer`)).body).toMatchObject({ lengthMinutes: 30, priceMinor: 0 });
  });

  it('gives the reviewed tutor past lessons with reviews, one answered, and the rating they make', async () => {
    const tutorId = first.accounts.find((account) => account.email === DEMO_REVIEWS.tutorEmail)!.userId;
    const ratings = DEMO_REVIEWS.reviews.map((review) => review.rating);
    expect((await get(`/api/tutors/${tutorId}`)).body.rating).toEqual({ average: ratings.reduce((sum, rating) => sum + rating, 0) / ratings.length, count: ratings.length });
    const listed = (await get(`/api/tutors/${tutorId}/reviews`)).body.items as { studentName: string; rating: number; reply: string | null }[];
    expect(listed.map((review) => [review.studentName, review.rating])).toEqual(DEMO_REVIEWS.reviews.map((review) => [review.reviewer, review.rating]));
    expect(listed.filter((review) => review.reply !== null)).toHaveLength(1);
    expect(first.changes).toContain(`${DEMO_REVIEWS.reviews.length} reviewed past lessons of ${DEMO_REVIEWS.tutorEmail}`);
  });

  it('has a tutor who reads German in Berlin, so a booking with them is told in German on Berlin time', async () => {
    const german = DEMO_TUTORS.find((tutor) => tutor.language === 'de')!;
    expect(german).toMatchObject({ email: DEMO_PACKAGES.tutorEmail, timeZone: 'Europe/Berlin', profile: { instantBooking: true } });
    const { db, redis } = api.container.resources;
    const userId = first.accounts.find((account) => account.email === german.email)!.userId;
    expect(await db('users').where({ id: userId }).first('language', 'time_zone')).toEqual({ language: 'de', time_zone: 'Europe/Berlin' });

    // What the booking workflow sends a tutor when a lesson is booked: stored and emailed in German, on the tutor's clock.
    const notifier = new Notifier({ db, redis, emails: createEmailSender(api.config, db, pino({ level: 'silent' })), warn: () => undefined });
    const bookingId = '00000000-0000-4000-8000-000000000001';
    const params = { bookingId, sessionStart: '2026-07-01T16:00:00.000Z', sessionEnd: '2026-07-01T17:00:00.000Z', priceMinor: 3_000, currency: 'EUR', joinUrl: 'https://zoom.test/j/1' };
    const { created } = await notifier.notify([{ userId, kind: 'booking.accepted', dedupeKey: `seed-test:${bookingId}`, template: 'booking-scheduled', params, data: { bookingId } }]);
    expect(created[0]).toMatchObject({ title: 'Deine Stunde ist gebucht' });
    expect(created[0]!.body).toContain('18:00');
    const [email] = await db('email_outbox').where({ recipient_email: german.email, template: 'booking-scheduled' });
    expect(email.params).toMatchObject({ language: 'de', timeZone: 'Europe/Berlin' });
  });

  it('writes nothing on a second run, and keeps a password changed since', async () => {
    const users = new UserRepository(api.container.resources.db);
    const student = (await users.findByEmail(DEMO_STUDENT.email))!;
    await new UserCredentialsRepository(api.container.resources.db).setPasswordHash(student.id, await new PasswordHasher().hash('my-own-password-123'));
    stripe.clear();

    const again = await seed();
    expect(again.changes).toEqual([]);
    expect(again.accounts.every((account) => !account.created)).toBe(true);
    expect(again.accounts.map((account) => account.userId)).toEqual(first.accounts.map((account) => account.userId));
    expect(stripe.requests({ method: 'POST' })).toEqual([]);
    expect(await login(DEMO_STUDENT.email, 'my-own-password-123')).toBe(200);
    expect(await login(DEMO_STUDENT.email, DEMO_STUDENT.password)).toBe(401);
  });

  it('refuses to run outside development', async () => {
    // The test stack's settings would not pass staging's start-up checks; only the environment matters here.
    const staging = { ...api.config, environment: 'staging' as const };
    await expect(
      seedDemo({ config: staging, db: api.container.resources.db, stripe: createStripeClient(staging.stripe), logger: pino({ level: 'silent' }) }),
    ).rejects.toBeInstanceOf(DemoSeedRefused);
  });
});
