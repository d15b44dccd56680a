/**
 * Fault scenario 2: the booking worker (a real process) is killed while many bookings (500 by
 * default, FAULT_TIMER_BOOKINGS) wait on their request-expiry timers, and stays dead while those
 * timers come due. A new worker starts: every timer fires once — each booking EXPIRED, its hold
 * released exactly once — and the lag between when a timer was due and when its booking expired
 * is printed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestUser } from '../support/fixtures.js';
import { bookableTutor, type BookingStack, requestBooking, startBookingStack, student, TEST_CARD } from '../support/booking-stack.js';
import { expectInvariants, report } from './support/invariants.js';
import { killAll, spawnWorker } from './support/processes.js';

const BOOKINGS = Number(process.env.FAULT_TIMER_BOOKINGS ?? 500);
const CONCURRENCY = 16;
/** Long enough to create every booking before the first timer is due. */
const REQUEST_TTL_S = Math.max(60, Math.ceil(BOOKINGS * 0.3));
const DOWNTIME_MS = 20_000;

let stack: BookingStack;
let tutors: TestUser[];
let alice: TestUser;

beforeAll(async () => {
  stack = await startBookingStack({ BOOKING_REQUEST_TTL: `${REQUEST_TTL_S}s` });
  const { db } = stack.api.container.resources;
  tutors = await Promise.all(Array.from({ length: Math.ceil(BOOKINGS / 200) }, () => bookableTutor(db, stack.api.config)));
  alice = await student(db, stack.api.config);
}, 180_000);

afterAll(async () => {
  await killAll();
  await stack?.close();
});

/** Half-hour lessons an hour apart (the one student is never in two at once), from two days ahead, spread over the tutors. */
function slot(index: number): { tutorId: string; start: string } {
  const tutor = tutors[index % tutors.length]!;
  const hour = index;
  const start = new Date(Date.now() + 2 * 86_400_000);
  start.setUTCHours(0, 0, 0, 0);
  return { tutorId: tutor.id, start: new Date(start.getTime() + hour * 3_600_000).toISOString() };
}

it(`2: a worker killed while ${BOOKINGS} bookings wait on timers; a new worker fires each once`, async () => {
  const { db } = stack.api.container.resources;
  const worker = await spawnWorker(stack);
  const ids: string[] = [];
  const began = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < BOOKINGS) {
        const index = next++;
        const answer = await requestBooking(stack.api, alice, { ...slot(index), lengthMinutes: 30, paymentMethodId: TEST_CARD });
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        ids.push(answer.body.bookingId as string);
      }
    }),
  );
  const createdInMs = Date.now() - began;
  const rows = await db('bookings').whereIn('id', ids).select('request_expires_at');
  const firstDue = Math.min(...rows.map((row) => new Date(row.request_expires_at).getTime()));
  expect(firstDue, 'every booking was created before the first timer came due').toBeGreaterThan(Date.now());

  // The worker dies with every timer pending, and stays dead while they come due.
  await worker.kill('SIGKILL');
  const lastDue = Math.max(...rows.map((row) => new Date(row.request_expires_at).getTime()));
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstDue - Date.now()) + DOWNTIME_MS));
  const restartedAt = Date.now();
  await stack.startWorker();

  const deadline = Date.now() + Math.max(0, lastDue - Date.now()) + 300_000;
  for (;;) {
    const [left] = await db('bookings').whereIn('id', ids).whereNot({ status: 'EXPIRED' }).count({ count: '*' });
    if (Number(left?.count) === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const expired = await db('bookings').whereIn('id', ids).select('id', 'status', 'updated_at', 'request_expires_at');
  expect(expired.filter((row) => row.status !== 'EXPIRED').map((row) => `${row.id}:${row.status}`)).toEqual([]);
  const lags = expired.map((row) => new Date(row.updated_at).getTime() - new Date(row.request_expires_at).getTime()).sort((x, y) => x - y);
  expect(lags[0]!).toBeGreaterThanOrEqual(0);

  // Once each: one executed release (PaymentIntent cancel) per booking, nothing left held.
  for (const id of ids) {
    const money = stack.stripe.money(id);
    const releases = money.mutations.filter((mutation) => /\/cancel$/.test(mutation.path) && mutation.status === 200 && !mutation.replayed);
    expect(releases, id).toHaveLength(1);
    expect(money.held, id).toBe(0);
  }
  const figures = await expectInvariants(stack, ids, 300_000);
  expect(figures).toMatchObject({ bookings: BOOKINGS, authorizations: BOOKINGS, charges: 0, running: 0 });
  const percentile = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))]!;
  report(`2 worker killed under ${BOOKINGS} pending timers`, {
    ...figures,
    createdInMs,
    workerDownMs: restartedAt - firstDue,
    allExpiredAfterRestartMs: Math.max(...expired.map((row) => new Date(row.updated_at).getTime())) - restartedAt,
    lagP50Ms: percentile(50),
    lagP95Ms: percentile(95),
    lagMaxMs: lags.at(-1)!,
  });
});
