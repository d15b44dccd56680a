/**
 * Weekly series through the API on the real stack: the series' workflow books each week through the
 * booking service (its own booking workflow, its own off-session hold), a taken week is reported on
 * the series and by email, a week can be skipped and the rest cancelled by the booking's own rules.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { bookableTutor, call, eventually, requestBooking, slotInDays, student, TEST_CARD } from '../../support/booking-stack.js';
import { startSeriesStack } from './series-stack.js';

type Stack = Awaited<ReturnType<typeof startSeriesStack>>;
let stack: Stack;

beforeAll(async () => {
  // Week 0 (tomorrow) is within the lead and booked at once; week 1 (in eight days) is not yet.
  stack = await startSeriesStack({ SERIES_BOOKING_LEAD: '4d' });
}, 60_000);
afterAll(() => stack?.close());

interface WeekView {
  week: number;
  sessionStart: string;
  status: string;
  bookingId: string | null;
  reason: string | null;
}
interface SeriesView {
  id: string;
  status: string;
  weeks: WeekView[];
}

const db = () => stack.api.container.resources.db;

async function createSeries(user: TestUser, tutor: TestUser, overrides: Record<string, unknown> = {}, key = randomUUID()) {
  return call(stack.api, 'POST', '/api/series', user, { tutorId: tutor.id, start: slotInDays(1), lengthMinutes: 60, weeks: 3, paymentMethodId: TEST_CARD, ...overrides }, { 'Idempotency-Key': key });
}

const readSeries = (user: TestUser, id: string) => call(stack.api, 'GET', `/api/series/${id}`, user).then((response) => response.body as SeriesView);
const weekBooked = (user: TestUser, id: string, week = 0) => eventually(() => readSeries(user, id), (series) => series.weeks[week]!.status !== 'upcoming');

describe('weekly series', () => {
  it('creates a series whose first week is booked at once with its own off-session hold, and later weeks wait for their lead time', async () => {
    const tutor = await bookableTutor(db(), stack.api.config);
    const learner = await student(db(), stack.api.config);
    const key = randomUUID();
    const created = await createSeries(learner, tutor, {}, key);
    expect(created.status).toBe(201);
    const series = created.body as SeriesView;
    expect(series.weeks.map((week) => Date.parse(week.sessionStart) - Date.parse(series.weeks[0]!.sessionStart))).toEqual([0, 7 * 86_400_000, 14 * 86_400_000]);

    const again = await createSeries(learner, tutor, {}, key);
    expect(again.status).toBe(200);
    expect((again.body as SeriesView).id).toBe(series.id);
    expect((await createSeries(learner, tutor, { weeks: 4 }, key)).status).toBe(422);

    const booked = await weekBooked(learner, series.id);
    expect(booked.weeks[0]).toMatchObject({ status: 'booked', reason: null, bookingStatus: 'REQUESTED' });
    expect(booked.weeks.slice(1).map((week) => week.status)).toEqual(['upcoming', 'upcoming']);
    const bookingId = booked.weeks[0]!.bookingId!;
    const booking = await call(stack.api, 'GET', `/api/bookings/${bookingId}`, learner);
    expect(booking.body).toMatchObject({ status: 'REQUESTED', studentId: learner.id, tutorId: tutor.id, sessionStart: series.weeks[0]!.sessionStart });
    // The week's own hold, authorized without the student present.
    const authorization = stack.stripe.requests({ method: 'POST', path: '/v1/payment_intents' }).find((request) => (request.body.metadata as Record<string, string> | undefined)?.bookingId === bookingId);
    expect(authorization?.body).toMatchObject({ off_session: 'true', capture_method: 'manual', confirm: 'true' });
    expect(authorization?.idempotencyKey).toBe(`${bookingId}:authorize`);

    expect((await readSeries(tutor, series.id)).id).toBe(series.id);
    const stranger = await student(db(), stack.api.config);
    expect((await call(stack.api, 'GET', `/api/series/${series.id}`, stranger)).status).toBe(404);
    expect(((await call(stack.api, 'GET', '/api/series', learner)).body as { items: { id: string }[] }).items.map((item) => item.id)).toContain(series.id);
  });

  it('reports a week the student is already busy for, on the series, in the app and by email, and goes on with the others', async () => {
    const [tutor, otherTutor] = await Promise.all([bookableTutor(db(), stack.api.config), bookableTutor(db(), stack.api.config)]);
    const learner = await student(db(), stack.api.config);
    const start = slotInDays(1, 14);
    const other = await requestBooking(stack.api, learner, { tutorId: otherTutor.id, start, lengthMinutes: 60, paymentMethodId: TEST_CARD });
    expect(other.status).toBe(201);

    const created = await createSeries(learner, tutor, { start });
    expect(created.status).toBe(201);
    const series = await weekBooked(learner, (created.body as SeriesView).id);
    expect(series.weeks[0]).toMatchObject({ status: 'taken', reason: 'student_busy', bookingId: null });
    expect(series.status).toBe('active');
    const email = await eventually(
      () => db()('email_outbox').where({ template: 'series-week-taken', recipient_email: learner.email }).first(),
      (row) => row !== undefined,
    );
    expect(email.dedupe_key).toBe(`series:${series.id}:week:0:taken:${learner.id}`);
    // And in the app, once.
    const notifications = (await call(stack.api, 'GET', '/api/notifications', learner)).body as { items: { kind: string; data: Record<string, unknown>; title: string }[] };
    expect(notifications.items.filter((item) => item.kind === 'series.week_taken')).toEqual([
      expect.objectContaining({ data: { seriesId: series.id, week: 0 }, title: 'A week of your lesson series could not be booked' }),
    ]);
  });

  it('reports a week whose card needs 3-D Secure: off-session nobody can authenticate, so Stripe declines it', async () => {
    const tutor = await bookableTutor(db(), stack.api.config);
    const learner = await student(db(), stack.api.config, ['pm_card_threeDSecure2Required']);
    const created = await createSeries(learner, tutor, { paymentMethodId: 'pm_card_threeDSecure2Required', start: slotInDays(2, 11) });
    const series = await weekBooked(learner, (created.body as SeriesView).id);
    expect(series.weeks[0]).toMatchObject({ status: 'taken', reason: 'payment_failed' });
    const attempt = stack.stripe.requests({ method: 'POST', path: '/v1/payment_intents' }).find((request) => request.body.payment_method === 'pm_card_threeDSecure2Required' && request.body.off_session === 'true');
    expect(attempt?.status).toBe(402);
    expect((attempt?.responseBody as { error: { code: string } }).error.code).toBe('authentication_required');
  });

  it('reports a week whose card is declined', async () => {
    const tutor = await bookableTutor(db(), stack.api.config);
    const learner = await student(db(), stack.api.config, ['pm_card_chargeDeclined']);
    const created = await createSeries(learner, tutor, { paymentMethodId: 'pm_card_chargeDeclined', start: slotInDays(2, 9) });
    expect(created.status).toBe(201);
    const series = await weekBooked(learner, (created.body as SeriesView).id);
    expect(series.weeks[0]).toMatchObject({ status: 'taken', reason: 'payment_failed' });
  });

  it('skips a week not booked yet and a booked one (its lesson cancelled), then cancels the rest', async () => {
    const tutor = await bookableTutor(db(), stack.api.config);
    const learner = await student(db(), stack.api.config);
    const created = await createSeries(learner, tutor, { start: slotInDays(1, 16), weeks: 4 });
    const seriesId = (created.body as SeriesView).id;
    const booked = await weekBooked(learner, seriesId);
    const bookingId = booked.weeks[0]!.bookingId!;

    expect((await call(stack.api, 'POST', `/api/series/${seriesId}/skip`, tutor, { week: 2 })).status).toBe(403);
    const skipped = await call(stack.api, 'POST', `/api/series/${seriesId}/skip`, learner, { week: 2 });
    expect(skipped.status).toBe(200);
    expect((skipped.body as SeriesView).weeks[2]!.status).toBe('skipped');
    expect((await call(stack.api, 'POST', `/api/series/${seriesId}/skip`, learner, { week: 2 })).status).toBe(409);
    expect((await call(stack.api, 'POST', `/api/series/${seriesId}/skip`, learner, { week: 7 })).status).toBe(422);

    const skippedBooked = await call(stack.api, 'POST', `/api/series/${seriesId}/skip`, learner, { week: 0 });
    expect((skippedBooked.body as SeriesView).weeks[0]!.status).toBe('skipped');
    expect((await call(stack.api, 'GET', `/api/bookings/${bookingId}`, learner)).body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'released' });

    const cancelled = await call(stack.api, 'POST', `/api/series/${seriesId}/cancel`, learner, { reason: 'Exams' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'Exams' });
    expect((cancelled.body as SeriesView).weeks.map((week) => week.status)).toEqual(['skipped', 'cancelled', 'skipped', 'cancelled']);
    expect((await call(stack.api, 'POST', `/api/series/${seriesId}/cancel`, learner, { reason: 'Again' })).status).toBe(409);
  });

  it('cancels the booked lessons of a cancelled series by the booking’s rules', async () => {
    const tutor = await bookableTutor(db(), stack.api.config);
    const learner = await student(db(), stack.api.config);
    const created = await createSeries(learner, tutor, { start: slotInDays(1, 18) });
    const seriesId = (created.body as SeriesView).id;
    const bookingId = (await weekBooked(learner, seriesId)).weeks[0]!.bookingId!;
    const cancelled = await call(stack.api, 'POST', `/api/series/${seriesId}/cancel`, tutor, { reason: 'Leaving the platform' });
    expect(cancelled.status).toBe(200);
    expect((cancelled.body as SeriesView).weeks.map((week) => week.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    // The booking's own rule: a tutor withdrawing from a request not yet accepted declines it (the hold released).
    expect((await call(stack.api, 'GET', `/api/bookings/${bookingId}`, learner)).body).toMatchObject({ status: 'DECLINED', paymentStatus: 'released' });
    const row = await db()('lesson_series').where({ id: seriesId }).first();
    expect(row.status).toBe('cancelled');
  });

  it('makes one series of two concurrent requests with the same Idempotency-Key', async () => {
    const tutor = await bookableTutor(db(), stack.api.config);
    const learner = await student(db(), stack.api.config);
    const key = randomUUID();
    const answers = await Promise.all([createSeries(learner, tutor, { start: slotInDays(3, 8) }, key), createSeries(learner, tutor, { start: slotInDays(3, 8) }, key)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 201]);
    expect(new Set(answers.map((answer) => (answer.body as SeriesView).id)).size).toBe(1);
    expect(await db()('lesson_series').where({ student_id: learner.id })).toHaveLength(1);
  });

  it('refuses a series whose first lesson cannot be booked, and one for a tutor who is not there', async () => {
    const tutor = await bookableTutor(db(), stack.api.config);
    const learner = await student(db(), stack.api.config);
    expect((await createSeries(learner, tutor, { lengthMinutes: 45 })).status).toBe(422);
    expect((await createSeries(learner, { ...tutor, id: randomUUID() })).status).toBe(404);
    expect((await createSeries(learner, tutor, { paymentMethodId: 'pm_card_mastercard' })).status).toBe(422);
    expect((await createSeries(tutor, tutor)).status).toBe(403);
  });
});
