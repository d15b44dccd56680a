/**
 * After-the-lesson money through the API: no-shows by party and a student's dispute, end to end
 * through HTTP with their Stripe money. A lesson takes at least 15 minutes, so the API, its real
 * worker and the real activities (Postgres, the strict Stripe fake) run against Temporal's
 * time-skipping server here: nothing is mocked, only the workflows' clock is moved forward (the
 * API and Postgres keep the machine's). Stripe (the recorder), Postgres and the workflow must agree.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { createTestUser } from '../../support/fixtures.js';
import { bookableTutor, type BookingStack, call, requestBooking, startBookingStack, student } from '../../support/booking-stack.js';
import { timeSkippingEnvironment } from '../../support/temporal.js';
import { bookingWorkflowId, getBookingQuery } from '../../../workflows/booking/definitions.js';
import { randomUUID } from 'node:crypto';
import { FileRepository } from '../../../db/repositories/file-repository.js';

const HOUR = 3_600_000;
let env: TestWorkflowEnvironment;
let stack: BookingStack;
let tutor: TestUser;
let admin: TestUser;

beforeAll(async () => {
  env = await timeSkippingEnvironment();
  stack = await startBookingStack({ TEMPORAL_ADDRESS: env.address, BOOKING_NO_SHOW_GRACE: '10m', BOOKING_NO_SHOW_CONTEST_WINDOW: '48h', BOOKING_PAYOUT_HOLD: '72h', BOOKING_GRACE: '15m' });
  await stack.startWorker();
  const { db } = stack.api.container.resources;
  [tutor, admin] = await Promise.all([bookableTutor(db, stack.api.config, { instant: true }), createTestUser(db, stack.api.config, 'admin')]);
}, 180_000);
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

/**
 * A lesson booked (instant) through the API two days ahead of the workflows' clock (which earlier
 * tests moved ahead of the machine's), and that clock moved to `hoursAfterStart` into it.
 */
async function lessonAt(who: TestUser, hoursAfterStart: number): Promise<string> {
  const ahead = new Date((await env.currentTimeMs()) + 2 * 24 * HOUR);
  ahead.setUTCHours(10, 0, 0, 0);
  const start = ahead.toISOString();
  const booked = await requestBooking(stack.api, who, { tutorId: tutor.id, start, lengthMinutes: 60, paymentMethodId: 'pm_card_visa' });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  expect(booked.body.status).toBe('SCHEDULED');
  const serverNow = await env.currentTimeMs();
  await env.sleep(Date.parse(start) + hoursAfterStart * HOUR - serverNow);
  return booked.body.bookingId as string;
}

/**
 * A confirmed upload of the user's, as the files service leaves it (the upload path itself —
 * presigned PUT, checks, confirm — has its own tests in test/integration/files).
 */
async function confirmedAttachment(user: TestUser): Promise<string> {
  const files = new FileRepository(stack.api.container.resources.db);
  const id = randomUUID();
  const objectKey = `message_attachment/${user.id}/${id}`;
  await files.insert({ id, ownerId: user.id, purpose: 'message_attachment', objectKey, contentType: 'text/plain', declaredSize: 40, originalFilename: 'chat-log.txt' });
  await files.markReady(id, { readyKey: `ready/${objectKey}/${randomUUID()}`, storedSize: 40 });
  return id;
}

/** Polls until `read` answers something `done` accepts (the worker runs activities in real time after the clock moved). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the booking did not get there in 20 s');
}

const row = (id: string) => stack.api.container.resources.db('bookings').where({ id }).first();
const eventTypes = async (id: string) => (await stack.api.container.resources.db('booking_events').where({ booking_id: id }).orderBy('id')).map((event) => event.type as string);
/** Who was emailed with a template about a booking (the outbox: one row per recipient). */
const emailed = async (id: string, template: string) =>
  (await stack.api.container.resources.db('email_outbox').where({ template }).whereRaw("params->>'bookingId' = ?", [id])).map((mail) => String(mail.recipient_email)).sort();
const commission = (minor: number) => Math.floor((minor * stack.api.config.booking.commissionBps + 5_000) / 10_000);

/** Stripe (the recorder) = Postgres = the workflow, for one booking's money. */
async function expectAgreement(id: string, who: TestUser, expected: { captured: number; refunded: number; paidOut: number }) {
  const money = stack.stripe.money(id);
  expect({ captured: money.captured, refunded: money.refunded, paidOut: money.transferred, held: money.held }).toEqual({ ...expected, held: 0 });
  const booking = await row(id);
  expect({ captured: booking.captured_minor, refunded: booking.refunded_minor, paidOut: booking.paid_out_minor }).toEqual(expected);
  const seen = await call(stack.api, 'GET', `/api/bookings/${id}`, who);
  expect({ captured: seen.body.capturedMinor, refunded: seen.body.refundedMinor, paidOut: seen.body.paidOutMinor }).toEqual(expected);
  const workflow = await env.client.workflow.getHandle(bookingWorkflowId(id)).query(getBookingQuery);
  expect({ captured: workflow.capturedMinor, refunded: workflow.refundedMinor, paidOut: workflow.paidOutMinor }).toEqual(expected);
  expect(workflow.status).toBe(booking.status);
}

describe('no-shows through the API, with their money', () => {
  it('tutor reports the student absent: the payout is not frozen, and the tutor is paid after the hold', async () => {
    const { db } = stack.api.container.resources;
    const bea = await student(db, stack.api.config);
    const id = await lessonAt(bea, 0.5);
    const reported = await call(stack.api, 'POST', `/api/bookings/${id}/no-show`, tutor, { note: 'The student never joined' });
    expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    expect(reported.body).toMatchObject({ status: 'ACTIVE', payoutFrozen: false, noShowReports: [{ reportedBy: 'tutor', absent: 'student' }] });
    await env.sleep(HOUR + 15 * 60_000 + 73 * HOUR); // the end, the grace, and past the 72 h hold
    await until(() => row(id), (booking) => booking.payment_status === 'paid_out');
    await expectAgreement(id, bea, { captured: 6_000, refunded: 0, paidOut: 6_000 - commission(6_000) });
    expect(stack.stripe.money(id).mutations.map((mutation) => mutation.idempotencyKey)).toContain(`${id}:payout`);
    expect(await eventTypes(id)).toEqual(expect.arrayContaining(['no_show.reported', 'payout.sent']));
    expect(await emailed(id, 'no-show-reported')).toEqual([bea.email, tutor.email].sort());
  });

  it('student reports the tutor absent and the tutor does not contest: refunded in full, nothing paid out', async () => {
    const { db } = stack.api.container.resources;
    const cleo = await student(db, stack.api.config);
    const id = await lessonAt(cleo, 0.5);
    const reported = await call(stack.api, 'POST', `/api/bookings/${id}/no-show`, cleo, { note: 'Nobody there' });
    expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    expect(reported.body).toMatchObject({ payoutFrozen: true, noShowReports: [{ reportedBy: 'student', absent: 'tutor', refundAt: expect.any(String) }] });
    await env.sleep(49 * HOUR); // past the 48 h window to contest (the lesson ended meanwhile)
    await until(() => row(id), (booking) => booking.payment_status === 'refunded');
    await expectAgreement(id, cleo, { captured: 6_000, refunded: 6_000, paidOut: 0 });
    expect(stack.stripe.requests({ method: 'POST', path: '/v1/refunds' }).filter((request) => request.idempotencyKey?.startsWith(`${id}:`)).map((request) => request.idempotencyKey)).toEqual([`${id}:refund-no-show`]);
    // Too late to contest now; the confirmed no-show counts for admins.
    expect((await call(stack.api, 'POST', `/api/bookings/${id}/no-show/contest`, tutor, {})).status).toBe(409);
    expect(await eventTypes(id)).toEqual(expect.arrayContaining(['no_show.reported', 'no_show.confirmed', 'refund.issued']));
    const counts = await call(stack.api, 'GET', `/api/admin/tutors/${tutor.id}/no-shows`, admin);
    expect(counts.body).toMatchObject({ reported: 1, confirmed: 1 });
    expect(await emailed(id, 'no-show-refunded')).toEqual([cleo.email, tutor.email].sort());
  });
});

describe('a student’s dispute through the API, with its money', () => {
  it('reported with an attachment within the hold, listed for admins, decided with a partial refund: the tutor is paid on the rest', async () => {
    const { db } = stack.api.container.resources;
    const [dora, eve] = await Promise.all([student(db, stack.api.config), student(db, stack.api.config)]);
    const id = await lessonAt(dora, 2.5); // ended, an hour into the payout hold
    const attachmentFileId = await confirmedAttachment(dora);

    // Someone else's file, or someone else's booking, is refused.
    const theirs = await confirmedAttachment(eve);
    const body = { reason: 'tutor_late_or_left_early', text: 'The tutor left after ten minutes' };
    const foreignFile = await call(stack.api, 'POST', `/api/bookings/${id}/dispute`, dora, { ...body, attachmentFileId: theirs });
    expect(foreignFile.status).toBe(422);
    expect(foreignFile.headers.get('content-type')).toContain('application/problem+json');
    expect((await call(stack.api, 'POST', `/api/bookings/${id}/dispute`, eve, body)).status).toBe(404);
    expect((await call(stack.api, 'POST', `/api/bookings/${id}/dispute`, tutor, body)).status).toBe(409);

    // A double click: two reports race, one is taken, the other is 409.
    const racing = await Promise.all([0, 1].map(() => call(stack.api, 'POST', `/api/bookings/${id}/dispute`, dora, { ...body, attachmentFileId })));
    expect(racing.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const reported = racing.find((answer) => answer.status === 200)!;
    expect(reported.body).toMatchObject({ status: 'ENDED', payoutFrozen: true, problem: { reason: 'tutor_late_or_left_early', attachmentFileId } });
    // The tutor and admins may read the attachment; another student may not.
    expect((await call(stack.api, 'GET', `/api/files/${attachmentFileId}/download`, tutor)).status).toBe(200);
    expect((await call(stack.api, 'GET', `/api/files/${attachmentFileId}/download`, admin)).status).toBe(200);
    expect((await call(stack.api, 'GET', `/api/files/${attachmentFileId}/download`, eve)).status).toBe(404);

    const open = await call(stack.api, 'GET', '/api/admin/disputes?limit=100', admin);
    expect(open.status).toBe(200);
    expect(open.body.items).toContainEqual(expect.objectContaining({ bookingId: id, studentId: dora.id, tutorId: tutor.id, attachmentFileId }));
    expect((await call(stack.api, 'GET', '/api/admin/disputes', dora)).status).toBe(403);

    // Past the hold nothing is paid while the dispute waits.
    await env.sleep(80 * HOUR);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stack.stripe.money(id).transferred).toBe(0);

    // The older payout resolution does not decide an open dispute: 409 naming the dispute's route.
    const resolution = await call(stack.api, 'POST', `/api/admin/bookings/${id}/payout-resolution`, admin, { decision: 'pay_tutor', reason: 'Looks fine' });
    expect(resolution.status, JSON.stringify(resolution.body)).toBe(409);
    expect(resolution.headers.get('content-type')).toContain('application/problem+json');
    expect(resolution.body.detail).toMatch(/dispute\/decision/);
    const tooMuch = await call(stack.api, 'POST', `/api/admin/bookings/${id}/dispute/decision`, admin, { refundMinor: 6_001, reason: 'All and more' });
    expect(tooMuch.status).toBe(422);
    // Two admins decide at once: one decision, one refund.
    const decisions = await Promise.all([0, 1].map(() => call(stack.api, 'POST', `/api/admin/bookings/${id}/dispute/decision`, admin, { refundMinor: 2_000, reason: 'A third of the lesson happened' })));
    expect(decisions.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const decided = decisions.find((answer) => answer.status === 200)!;
    expect(decided.body).toMatchObject({ refundedMinor: 2_000, problem: { decision: { refundMinor: 2_000, adminId: admin.id } } });
    await until(() => row(id), (booking) => booking.payment_status === 'paid_out');
    await expectAgreement(id, dora, { captured: 6_000, refunded: 2_000, paidOut: 4_000 - commission(4_000) });
    expect(stack.stripe.money(id).mutations.map((mutation) => mutation.idempotencyKey)).toEqual(expect.arrayContaining([`${id}:refund-dispute`, `${id}:payout`]));

    expect((await call(stack.api, 'GET', '/api/admin/disputes?limit=100', admin)).body.items.map((item: { bookingId: string }) => item.bookingId)).not.toContain(id);
    expect(await db('booking_disputes').where({ booking_id: id }).first()).toMatchObject({ refund_minor: 2_000, decided_by: admin.id, attachment_file_id: attachmentFileId });
    const audit = await call(stack.api, 'GET', '/api/admin/audit-log?limit=200', admin);
    expect(audit.body.items).toContainEqual(expect.objectContaining({ bookingId: id, adminId: admin.id, type: 'dispute.decided' }));
    expect(await emailed(id, 'dispute-opened')).toEqual([dora.email, tutor.email].sort());
    expect(await emailed(id, 'dispute-decided')).toEqual([dora.email, tutor.email].sort());
  });
});
