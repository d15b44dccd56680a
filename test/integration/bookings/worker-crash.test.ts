/**
 * A crash at the worst moment charges no one twice: the booking worker (a real process) is killed
 * while Stripe is capturing the payment, its answer lost. Temporal retries the activity on another
 * worker after its timeout, with the same idempotency key, and Stripe (the recording proxy keeps
 * Stripe's idempotency) answers with the capture it already made.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stackEnv } from '../../../scripts/stack/env.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student } from '../../support/booking-stack.js';
import { REPO_ROOT } from '../../support/paths.js';

let stack: BookingStack;
let workerProcess: ChildProcess | undefined;

/** The booking worker's own entry point, as production runs it, joined to this test's stack. */
async function spawnWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/booking-worker.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...stackEnv('test'), ...stack.workerEnv, ENVIRONMENT: 'development', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(async () => output, (text) => text.includes('worker polling') || child.exitCode !== null, 60_000);
  if (child.exitCode !== null) throw new Error(`the worker exited at start:\n${output}`);
  return child;
}

beforeAll(async () => {
  stack = await startBookingStack();
  workerProcess = await spawnWorker();
}, 120_000);

afterAll(async () => {
  workerProcess?.kill('SIGKILL');
  await stack?.close();
});

it('captures exactly once when the worker dies in the middle of the capture', async () => {
  const { db } = stack.api.container.resources;
  const tutor = await bookableTutor(db, stack.api.config);
  const alice = await student(db, stack.api.config);
  const requested = await requestBooking(stack.api, alice, { tutorId: tutor.id, start: slotInDays(3), lengthMinutes: 60, paymentMethodId: 'pm_card_visa' });
  expect(requested.status, JSON.stringify(requested.body)).toBe(201);
  const id = requested.body.bookingId as string;
  const captures = () => stack.stripe.requests({ method: 'POST', path: new RegExp(`^/v1/payment_intents/[^/]+/capture$`) });

  // Stripe will capture, but its answer never reaches the worker.
  stack.stripe.failNext(1, 'lose-response');
  const accepting = call(stack.api, 'POST', `/api/bookings/${id}/accept`, tutor, {});

  await eventually(async () => captures().length, (count) => count >= 1, 30_000);
  workerProcess!.kill('SIGKILL');
  await once(workerProcess!, 'exit');
  workerProcess = undefined;
  expect(captures()).toHaveLength(1);

  // Another worker picks the booking up; the capture activity runs again after its timeout.
  await stack.startWorker();
  // The tutor's request does not wait for the new worker: past BOOKING_UPDATE_TIMEOUT it is
  // answered 202 with where to look, and the booking shows the capture once it is done.
  const accepted = await accepting;
  if (accepted.status === 202) expect(accepted.body).toMatchObject({ bookingId: id, href: `/api/bookings/${id}` });
  else expect(accepted.body).toMatchObject({ status: 'SCHEDULED', paymentStatus: 'captured', capturedMinor: 6_000 });
  await eventually(
    () => call(stack.api, 'GET', `/api/bookings/${id}`, alice),
    (answer) => answer.body.status === 'SCHEDULED' && answer.body.capturedMinor === 6_000,
    60_000,
  );

  const attempts = captures();
  expect(attempts.length).toBeGreaterThanOrEqual(2);
  // One step, one key: Stripe treats every attempt as the same capture.
  expect(new Set(attempts.map((attempt) => attempt.idempotencyKey))).toEqual(new Set([`${id}:capture`]));
  expect(attempts[0]!.status).toBeNull(); // the answer the dead worker never got
  expect(attempts.at(-1)!.status).toBe(200);

  const timeline = await call(stack.api, 'GET', `/api/bookings/${id}/timeline`, alice);
  expect(timeline.body.events.filter((event: { type: string }) => event.type === 'payment.captured')).toHaveLength(1);
  const row = await db('bookings').where({ id }).first();
  expect(row).toMatchObject({ status: 'SCHEDULED', captured_minor: 6_000 });
}, 180_000);
