/**
 * No-show rules through the API on the dev server: the report and the contest are refused outside
 * their window (409 problem+json), and admins read a tutor's no-show counts. The rules' money
 * paths through the API (paid despite the tutor's report, refunded when uncontested) are in
 * lesson-money-api.test.ts, on Temporal's time-skipping server: a lesson lasts at least 15 minutes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/fixtures.js';
import { createTestUser } from '../../support/fixtures.js';
import { bookableTutor, type BookingStack, call, requestBooking, slotInDays, startBookingStack, student } from '../../support/booking-stack.js';

let stack: BookingStack;
let tutor: TestUser;
let alice: TestUser;
let admin: TestUser;

beforeAll(async () => {
  stack = await startBookingStack({ BOOKING_NO_SHOW_GRACE: '10m', BOOKING_NO_SHOW_CONTEST_WINDOW: '48h' });
  await stack.startWorker();
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config, { instant: true });
  [alice, admin] = await Promise.all([student(db, stack.api.config), createTestUser(db, stack.api.config, 'admin')]);
}, 120_000);
afterAll(() => stack?.close());

describe('no-shows through the API', () => {
  it('refuses a report and a contest before the lesson has started (409), and counts a tutor’s no-shows for admins only', async () => {
    const booked = await requestBooking(stack.api, alice, { tutorId: tutor.id, start: slotInDays(2), lengthMinutes: 60, paymentMethodId: 'pm_card_visa' });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body.status).toBe('SCHEDULED');
    const id = booked.body.bookingId as string;

    const early = await call(stack.api, 'POST', `/api/bookings/${id}/no-show`, alice, { note: 'too early' });
    expect(early.status).toBe(409);
    expect(early.headers.get('content-type')).toContain('application/problem+json');
    const contest = await call(stack.api, 'POST', `/api/bookings/${id}/no-show/contest`, tutor, {});
    expect(contest.status).toBe(409);

    // The counts come from the booking's event log, which the workflow writes (seeded here as it would).
    const { db } = stack.api.container.resources;
    const at = new Date();
    await db('booking_events').insert([
      { booking_id: id, type: 'no_show.reported', at, actor: 'student', actor_id: alice.id, dedupe_key: `t-${randomUUID()}`, data: { reportedBy: 'student', absent: 'tutor' } },
      { booking_id: id, type: 'no_show.confirmed', at, actor: 'system', dedupe_key: `t-${randomUUID()}`, data: { absent: 'tutor', how: 'uncontested' } },
    ]);
    const counts = await call(stack.api, 'GET', `/api/admin/tutors/${tutor.id}/no-shows`, admin);
    expect(counts.status).toBe(200);
    expect(counts.body).toEqual({ tutorId: tutor.id, reported: 1, confirmed: 1 });
    expect((await call(stack.api, 'GET', `/api/admin/tutors/${tutor.id}/no-shows`, alice)).status).toBe(403);
  });
});
