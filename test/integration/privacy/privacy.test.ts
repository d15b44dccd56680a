/**
 * GDPR on the real stack: the export is built by its Temporal workflow (a real worker on the test
 * stack's dev server) into MinIO and handed out as a presigned link (API and email); deleting an
 * account is refused while a booking is open or its money unsettled, and otherwise erases the
 * person's data in place, keeps the bookings and their amounts, detaches their saved cards in Stripe
 * (through the strict Stripe fake) and ends every session.
 */
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataExportActivities } from '../../../activities/privacy/activities.js';
import { createEmailSender } from '../../../platform/email/create-email-sender.js';
import { student as studentWithCard } from '../../support/booking-stack.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestFakes, waitForEmail, type TestFakes } from '../../support/fakes.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { callApi, type ApiAnswer, type Json } from '../../support/http.js';
import { startStripeRecorder, type StripeRecorder } from '../../support/stripe-recorder.js';
import { uniqueTaskQueue, workflowBundle } from '../../support/temporal.js';
import { createTestTutor, insertBooking } from '../availability/fixtures.js';

let api: RunningApi;
let fakes: TestFakes;
let stripe: StripeRecorder;
let worker: Worker;
let running: Promise<void>;
let connection: NativeConnection;
let tutor: TestUser;

beforeAll(async () => {
  [fakes, stripe] = await Promise.all([startTestFakes(), startStripeRecorder()]);
  api = await startTestApi({ ...fakes.overrides, STRIPE_API_BASE: stripe.url, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('privacy'), DATA_EXPORT_LINK_TTL: '10m' });
  const { db, storage } = api.container.resources;
  connection = await NativeConnection.connect({ address: api.config.temporal.address });
  worker = await Worker.create({
    connection,
    namespace: api.config.temporal.namespace,
    taskQueue: api.config.temporal.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createDataExportActivities({ config: api.config, db, storage, emails: createEmailSender(api.config, db, pino({ level: 'silent' })) }),
  });
  running = worker.run();
  tutor = await createTestTutor(db, api.config, { displayName: 'Tutor Tess' });
}, 120_000);
afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await connection?.close();
  await api?.close();
  await Promise.all([fakes?.close(), stripe?.close()]);
});

const as = (user: TestUser, method: string, path: string, body?: unknown) => callApi(api.baseUrl, method, path, { user, body });

function expectProblem(answer: ApiAnswer, status: number): Json {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  return answer.body;
}

/** A lesson of the student's with Tess, `daysAgo` ago, in the given state and money. */
async function lesson(student: TestUser, status: 'SCHEDULED' | 'ENDED', money: Record<string, unknown> = {}): Promise<string> {
  const { db } = api.container.resources;
  const start = new Date(Date.now() + (status === 'ENDED' ? -3 : 3) * 86_400_000 + Math.floor(Math.random() * 1_000) * 60_000);
  const id = await insertBooking(db, { tutorId: tutor.id, studentId: student.id, start, end: new Date(start.getTime() + 3_600_000), status });
  if (Object.keys(money).length > 0) await db('bookings').where({ id }).update(money);
  return id;
}

const PAID_OUT = { payment_status: 'paid_out', captured_minor: 3_000, paid_out_minor: 2_550 };

/** A conversation with Tess, with one message each way. */
async function chat(student: TestUser, text: string): Promise<void> {
  const { db } = api.container.resources;
  const [conversation] = await db('conversations').insert({ student_id: student.id, tutor_id: tutor.id }).returning('id');
  await db('messages').insert([
    { conversation_id: conversation.id, sender_id: student.id, client_message_id: randomUUID(), body: text },
    { conversation_id: conversation.id, sender_id: tutor.id, client_message_id: randomUUID(), body: 'See you on Monday' },
  ]);
}

/** Requests the person's export and waits for it to be built; answers the request's answer and the ready export. */
async function exportOf(user: TestUser): Promise<{ started: ApiAnswer; view: Json }> {
  const started = await as(user, 'POST', '/api/me/export');
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  expect(started.body).toMatchObject({ status: 'pending', download: null });
  let view: Json;
  for (const deadline = Date.now() + 30_000; ; ) {
    view = (await as(user, 'GET', `/api/me/export/${started.body.id}`)).body;
    if (view.status !== 'pending' || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(view).toMatchObject({ status: 'ready', failure: null });
  return { started, view };
}

const archiveOf = async (user: TestUser): Promise<Json> => (await fetch((await exportOf(user)).view.download.url)).json() as Promise<Json>;

/**
 * What a student and a tutor (`with`) wrote this session's ways, on one paid-out lesson: the
 * student's dispute (decided by an admin: 1,000 back), a review the tutor reported, a cancelled
 * series with its reason, and a used-up package with its credit ledger.
 */
async function disputedLessonAndPackage(student: TestUser, withTutor: TestUser) {
  const { db } = api.container.resources;
  const admin = await createTestUser(db, api.config, 'admin');
  const start = new Date(Date.now() - 3 * 86_400_000 + Math.floor(Math.random() * 1_000) * 60_000);
  const bookingId = await insertBooking(db, { tutorId: withTutor.id, studentId: student.id, start, end: new Date(start.getTime() + 3_600_000), status: 'ENDED' });
  await db('bookings').where({ id: bookingId }).update({ payment_status: 'partially_refunded', captured_minor: 3_000, refunded_minor: 1_000, paid_out_minor: 1_700 });
  const at = new Date();
  await db('booking_disputes').insert({
    booking_id: bookingId,
    student_id: student.id,
    tutor_id: withTutor.id,
    reason: 'tutor_late_or_left_early',
    text: 'Joined 20 minutes late, my address was on screen',
    opened_at: at,
    refund_minor: 1_000,
    decided_by: admin.id,
    decision_reason: 'A third of the lesson was lost',
    decided_at: at,
  });
  const [review] = await db('reviews').insert({ booking_id: bookingId, tutor_id: withTutor.id, student_id: student.id, rating: 1, text: 'Late' }).returning('id');
  await db('review_reports').insert({ review_id: review.id, reporter_id: withTutor.id, reason: 'The student is my neighbour and holds a grudge' });
  const seriesId = randomUUID();
  await db('lesson_series').insert({ id: seriesId, student_id: student.id, tutor_id: withTutor.id, length_minutes: 60, weeks: 4, payment_method_id: 'pm_card_visa', time_zone: 'Europe/Berlin', status: 'cancelled', request_hash: 'h', cancelled_at: at, cancel_reason: 'Moving to Hamburg next month' });
  const [offer] = await db('package_offers').insert({ tutor_id: withTutor.id, lessons: 2, length_minutes: 60, discount_bps: 1_000, price_minor: 5_400, currency: 'USD' }).returning('id');
  const packageId = randomUUID();
  await db('lesson_packages').insert({ id: packageId, offer_id: offer.id, student_id: student.id, tutor_id: withTutor.id, lessons: 2, length_minutes: 60, price_minor: 5_400, currency: 'USD', commission_bps: 1_500, status: 'expired', captured_minor: 5_400, paid_out_minor: 2_295, refunded_minor: 2_700, credits_left: 0, expires_at: at, request_hash: 'h' });
  const entry = (kind: string, credits: number, extra: Record<string, unknown> = {}) => ({ package_id: packageId, student_id: student.id, tutor_id: withTutor.id, length_minutes: 60, kind, credits, dedupe_key: `${packageId}:${kind}`, ...extra });
  await db('credit_entries').insert([entry('purchase', 2, { amount_minor: 5_400 }), entry('consume', -1, { booking_id: randomUUID() }), entry('refund', -1, { amount_minor: 2_700 })]);
  return { bookingId, reviewId: review.id as string, seriesId, packageId };
}

describe('exporting my data', () => {
  it('builds the archive in the background and offers it as a short-lived link, in the API and by email', async () => {
    const { db } = api.container.resources;
    const student = await createTestUser(db, api.config, 'student', { displayName: 'Export Ed' });
    const bookingId = await lesson(student, 'ENDED', PAID_OUT);
    await chat(student, 'Can we do fractions next?');
    await callApi(api.baseUrl, 'POST', `/api/bookings/${bookingId}/review`, { user: student, body: { rating: 5, text: 'Fractions finally make sense' } });
    await as(student, 'POST', '/api/files', { purpose: 'avatar', contentType: 'image/png', size: 64, filename: 'me.png' });

    const { started, view } = await exportOf(student);
    expect(started.headers.get('location')).toBe(`/api/me/export/${started.body.id}`);
    expect(Date.parse(view.download.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);

    const download = await fetch(view.download.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    const archive = (await download.json()) as Json;
    expect(archive).toMatchObject({ format: 'tutorflow-data-export/1', userId: student.id, account: { email: student.email, display_name: 'Export Ed' } });
    expect(archive.bookings).toEqual([expect.objectContaining({ id: bookingId, your_role: 'student', price_minor: 3_000, currency: 'USD', captured_minor: 3_000, paid_out_minor: 2_550 })]);
    expect(archive.messages.map((message: Json) => [message.sender, message.body])).toEqual([
      ['you', 'Can we do fractions next?'],
      ['the other party', 'See you on Monday'],
    ]);
    expect(archive.reviewsWritten).toEqual([expect.objectContaining({ booking_id: bookingId, rating: 5, text: 'Fractions finally make sense' })]);
    expect(archive.files).toEqual([expect.objectContaining({ purpose: 'avatar', original_filename: 'me.png', content_type: 'image/png' })]);
    expect(view.sizeBytes).toBe(Number(download.headers.get('content-length')));

    const email = await waitForEmail(fakes.fakes, student.email, (message) => message.subject.includes('data is ready'));
    const emailed = /https?:\/\/\S+/.exec(email.textContent ?? '')![0];
    expect((await fetch(emailed)).status).toBe(200);

    // Someone else's export is a 404; so is an export id that does not exist.
    const other = await createTestUser(db, api.config, 'student');
    expectProblem(await as(other, 'GET', `/api/me/export/${started.body.id}`), 404);
    expectProblem(await as(student, 'GET', `/api/me/export/${randomUUID()}`), 404);
  });

  it("holds the disputes (the student's report and decision; the tutor's side too), review reports and the package's credit ledger", async () => {
    const { db } = api.container.resources;
    const student = await createTestUser(db, api.config, 'student');
    const teacher = await createTestTutor(db, api.config);
    const { bookingId, reviewId, packageId } = await disputedLessonAndPackage(student, teacher);
    const dispute = {
      booking_id: bookingId,
      reason: 'tutor_late_or_left_early',
      text: 'Joined 20 minutes late, my address was on screen',
      refund_minor: 1_000,
      decision_reason: 'A third of the lesson was lost',
    };

    const mine = await archiveOf(student);
    expect(mine.disputesReported).toEqual([expect.objectContaining(dispute)]);
    expect(mine.disputesAboutYourLessons).toEqual([]);
    expect(mine.packages).toEqual([expect.objectContaining({ id: packageId, price_minor: 5_400, captured_minor: 5_400, refunded_minor: 2_700, credits_left: 0, status: 'expired' })]);
    expect(mine.creditLedger.map((entry: Json) => [entry.package_id, entry.kind, entry.credits, entry.amount_minor])).toEqual([
      [packageId, 'purchase', 2, 5_400],
      [packageId, 'consume', -1, null],
      [packageId, 'refund', -1, 2_700],
    ]);

    const theirs = await archiveOf(teacher);
    expect(theirs.disputesAboutYourLessons).toEqual([expect.objectContaining(dispute)]);
    expect(theirs.disputesReported).toEqual([]);
    expect(theirs.reviewReports).toEqual([expect.objectContaining({ review_id: reviewId, reason: 'The student is my neighbour and holds a grudge' })]);
    expect(theirs.creditLedger).toHaveLength(3);
  });
});

describe('deleting my account', () => {
  it('is refused (409, with the blockers) while a booking is open or an ended lesson is not paid out', async () => {
    const { db } = api.container.resources;
    const student = await createTestUser(db, api.config, 'student');
    const open = await lesson(student, 'SCHEDULED');
    const unsettled = await lesson(student, 'ENDED', { payment_status: 'captured', captured_minor: 3_000 });
    const refused = expectProblem(await as(student, 'DELETE', '/api/me'), 409);
    expect(refused.detail).toMatch(/booking still open/);
    expect(refused.blockers).toEqual([
      { kind: 'unsettled_booking', id: unsettled, status: 'ENDED' },
      { kind: 'open_booking', id: open, status: 'SCHEDULED' },
    ].sort((a, b) => (a.id === unsettled ? -1 : 1) - (b.id === unsettled ? -1 : 1)));
    expect((await as(student, 'GET', '/api/me')).status).toBe(200);
    expect(await db('users').where({ id: student.id }).first()).toMatchObject({ email: student.email, status: 'active' });

    // The tutor of an open booking is refused too.
    expect(expectProblem(await as(tutor, 'DELETE', '/api/me'), 409).blockers.map((blocker: Json) => blocker.id)).toContain(open);
    // Admins are closed by another admin.
    expectProblem(await as(await createTestUser(db, api.config, 'admin'), 'DELETE', '/api/me'), 409);
  });

  it('erases the person, keeps the bookings and amounts, detaches saved cards and ends every session', async () => {
    const { db } = api.container.resources;
    const student = await studentWithCard(db, api.config, ['pm_card_visa']);
    const bookingId = await lesson(student, 'ENDED', PAID_OUT);
    await chat(student, 'My number is in my profile');
    await callApi(api.baseUrl, 'POST', `/api/bookings/${bookingId}/review`, { user: student, body: { rating: 4, text: 'Good, a bit fast' } });
    const customer = (await db('student_profiles').where({ user_id: student.id }).first()).stripe_customer_id as string;
    stripe.clear();

    const deleted = await as(student, 'DELETE', '/api/me');
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);

    expect(stripe.requests({ method: 'POST', path: '/v1/payment_methods/pm_card_visa/detach' })).toHaveLength(1);
    const cards = await fetch(`${stripe.url}/v1/customers/${customer}/payment_methods`, { headers: { Authorization: `Bearer ${api.config.stripe.secretKey}` } });
    expect(((await cards.json()) as Json).data).toEqual([]);

    const row = await db('users').where({ id: student.id }).first();
    expect(row).toMatchObject({ email: `deleted-${student.id}@deleted.invalid`, display_name: 'Deleted user', status: 'deleted', password_hash: null, google_sub: null });
    expect(row.deleted_at).not.toBeNull();
    expect(await db('bookings').where({ id: bookingId }).first()).toMatchObject({ student_id: student.id, status: 'ENDED', price_minor: 3_000, captured_minor: 3_000, paid_out_minor: 2_550 });
    const messages = await db('messages').orderBy('seq').select('sender_id', 'body').whereIn('sender_id', [student.id, tutor.id]).whereIn('conversation_id', db('conversations').select('id').where({ student_id: student.id }));
    expect(messages).toEqual([
      { sender_id: student.id, body: '' },
      { sender_id: tutor.id, body: 'See you on Monday' },
    ]);
    expect(await db('reviews').where({ booking_id: bookingId }).first()).toMatchObject({ rating: 4, text: '' });
    expect(await db('email_outbox').where({ recipient_email: student.email })).toEqual([]);

    const me = expectProblem(await as(student, 'GET', '/api/me'), 401);
    expect(me.detail).toMatch(/ended|deleted/);
    // The tutor's side still reads the booking, with the student as "Deleted user".
    expect((await as(tutor, 'GET', `/api/bookings/${bookingId}`)).status).toBe(200);
  });

  it("erases the text of the person's dispute, review report and series reason, keeping the decision's amounts, the package and its ledger", async () => {
    const { db } = api.container.resources;
    const student = await createTestUser(db, api.config, 'student');
    const teacher = await createTestTutor(db, api.config);
    const { bookingId, reviewId, seriesId, packageId } = await disputedLessonAndPackage(student, teacher);
    // A sign-in's device (the hash of its browser and network) is the person's too.
    await db('auth_sessions').insert({ user_id: student.id, method: 'password', expires_at: new Date(Date.now() + 86_400_000), device_fingerprint: 'a'.repeat(64) });

    expect((await as(student, 'DELETE', '/api/me')).status).toBe(204);
    expect(await db('auth_sessions').where({ user_id: student.id }).pluck('device_fingerprint')).toEqual([null]);
    expect(await db('booking_disputes').where({ booking_id: bookingId }).first()).toMatchObject({
      student_id: student.id,
      reason: 'tutor_late_or_left_early',
      text: '',
      refund_minor: 1_000,
      decision_reason: 'A third of the lesson was lost',
    });
    expect(await db('lesson_series').where({ id: seriesId }).first()).toMatchObject({ status: 'cancelled', cancel_reason: '(erased with the account)' });
    expect(await db('lesson_packages').where({ id: packageId }).first()).toMatchObject({ student_id: student.id, captured_minor: 5_400, refunded_minor: 2_700, paid_out_minor: 2_295 });
    expect(await db('credit_entries').where({ package_id: packageId })).toHaveLength(3);
    // The tutor's report of the review is the tutor's own words: it stays until the tutor goes.
    expect(await db('review_reports').where({ review_id: reviewId }).first()).toMatchObject({ reason: 'The student is my neighbour and holds a grudge' });

    expect((await as(teacher, 'DELETE', '/api/me')).status).toBe(204);
    expect(await db('review_reports').where({ review_id: reviewId }).first()).toMatchObject({ reporter_id: teacher.id, reason: '(erased with the account)' });
  });
});
