/**
 * A student's own lessons never overlap, enforced by Postgres (bookings_student_no_overlap): with
 * two tutors, racing requests of one student for the same hour end with one booking, and the
 * refusal (409) says it is the student's own lesson, naming its time — not that the tutor is busy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { bookableTutor, type BookingStack, call, requestBooking, slotInDays, startBookingStack, student } from '../../support/booking-stack.js';

let stack: BookingStack;
let ana: TestUser;
let ben: TestUser;

beforeAll(async () => {
  stack = await startBookingStack();
  await stack.startWorker();
  const { db } = stack.api.container.resources;
  [ana, ben] = await Promise.all([bookableTutor(db, stack.api.config), bookableTutor(db, stack.api.config)]);
}, 120_000);
afterAll(() => stack?.close());

const lesson = (tutor: TestUser, start: string, lengthMinutes = 60) => ({ tutorId: tutor.id, start, lengthMinutes, paymentMethodId: 'pm_card_visa' });

describe("a student's overlapping lessons", () => {
  it('lets one of two racing requests with two tutors win; the other is 409 naming the winner’s time', async () => {
    const { db } = stack.api.container.resources;
    const someone = await student(db, stack.api.config);
    const start = slotInDays(8, 9);
    const answers = await Promise.all([requestBooking(stack.api, someone, lesson(ana, start)), requestBooking(stack.api, someone, lesson(ben, start))]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const won = answers.find((answer) => answer.status === 201)!;
    const lost = answers.find((answer) => answer.status === 409)!;
    expect(lost.headers.get('content-type')).toContain('application/problem+json');
    expect(lost.body).toMatchObject({
      type: 'urn:tutorflow:problem:conflict',
      conflict: 'student_busy',
      conflictingBooking: { bookingId: won.body.bookingId, sessionStart: start },
    });
    expect(lost.body.detail).toContain(`You already have a lesson from ${start}`);

    const live = await db('bookings').where({ student_id: someone.id }).whereIn('status', ['PENDING_PAYMENT', 'REQUESTED', 'SCHEDULED', 'ACTIVE']);
    expect(live).toHaveLength(1);
    // The loser never held the other tutor's time, nor touched the card.
    const authorizations = stack.stripe.requests({ method: 'POST', path: '/v1/payment_intents' }).filter((request) => request.idempotencyKey?.endsWith(':authorize'));
    expect(authorizations.filter((request) => request.body.transfer_group === won.body.bookingId)).toHaveLength(1);
  });

  it('refuses a partly overlapping lesson with another tutor, tells a busy tutor apart, and frees the time once cancelled', async () => {
    const { db } = stack.api.container.resources;
    const [carla, dan] = await Promise.all([student(db, stack.api.config), student(db, stack.api.config)]);
    const ten = slotInDays(9, 10);
    const first = await requestBooking(stack.api, carla, lesson(ana, ten));
    expect(first.status, JSON.stringify(first.body)).toBe(201);

    // 10:30–11:30 with the other tutor overlaps 10:00–11:00.
    const halfPast = new Date(Date.parse(ten) + 30 * 60_000).toISOString();
    const overlapping = await requestBooking(stack.api, carla, lesson(ben, halfPast));
    expect(overlapping.status).toBe(409);
    expect(overlapping.body).toMatchObject({ conflict: 'student_busy', conflictingBooking: { bookingId: first.body.bookingId, sessionStart: ten } });

    // Someone else asking for Ana's busy hour hears that the tutor is busy, and nothing about Carla's booking.
    const tutorBusy = await requestBooking(stack.api, dan, lesson(ana, ten));
    expect(tutorBusy.status).toBe(409);
    expect(tutorBusy.body.conflict).toBe('tutor_busy');
    expect(tutorBusy.body.conflictingBooking).toBeUndefined();

    // Back to back is not an overlap (ranges are half-open), even with the tutor's buffer.
    const eleven = new Date(Date.parse(ten) + 60 * 60_000).toISOString();
    expect((await requestBooking(stack.api, carla, lesson(ben, eleven))).status).toBe(201);

    const cancelled = await call(stack.api, 'POST', `/api/bookings/${first.body.bookingId}/cancel`, carla, { reason: 'Changed my mind' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    // 09:30–10:30 overlapped the cancelled lesson only.
    const nineThirty = new Date(Date.parse(ten) - 30 * 60_000).toISOString();
    expect((await requestBooking(stack.api, carla, lesson(ben, nineThirty))).status).toBe(201);
  });
});
