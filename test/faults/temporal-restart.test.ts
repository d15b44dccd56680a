/**
 * Fault scenario 3: the Temporal server (a dev server of this scenario's own, on its persistent
 * `--db-filename`) is killed while bookings are in the middle of their lives — one capture in
 * flight — and started again on the same file. Every workflow is still there, the capture lands
 * once, and the bookings go on (accept, cancel with refund) as if nothing happened.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestUser } from '../support/fixtures.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student, TEST_CARD } from '../support/booking-stack.js';
import { bookingWorkflowId } from '../../workflows/booking/definitions.js';
import { expectInvariants, report } from './support/invariants.js';
import { startOwnTemporal, type OwnTemporal } from './support/servers.js';

let temporal: OwnTemporal;
let stack: BookingStack;
let tutor: TestUser;
let alice: TestUser;

beforeAll(async () => {
  temporal = await startOwnTemporal();
  stack = await startBookingStack({ TEMPORAL_ADDRESS: temporal.address, BOOKING_UPDATE_TIMEOUT: '5s' });
  await stack.startWorker();
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config, { cancellationPolicy: 'flexible' });
  alice = await student(db, stack.api.config);
}, 180_000);

afterAll(async () => {
  stack?.stripe.clearFaults();
  await stack?.close();
  await temporal?.close();
});

it('3: Temporal restarted on its database file mid-lifecycle: nothing lost, nothing twice', async () => {
  const { db } = stack.api.container.resources;
  const row = (id: string) => db('bookings').where({ id }).first();
  const ids: string[] = [];
  for (const days of [3, 4, 5, 6]) {
    const requested = await requestBooking(stack.api, alice, { tutorId: tutor.id, start: slotInDays(days), lengthMinutes: 60, paymentMethodId: TEST_CARD });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    ids.push(requested.body.bookingId as string);
  }
  const [scheduled, inFlight, later, cancelled] = ids as [string, string, string, string];
  expect((await call(stack.api, 'POST', `/api/bookings/${scheduled}/accept`, tutor, {})).body).toMatchObject({ status: 'SCHEDULED' });
  expect((await call(stack.api, 'POST', `/api/bookings/${cancelled}/accept`, tutor, {})).body).toMatchObject({ status: 'SCHEDULED' });

  // A capture in flight at Stripe when the server dies.
  stack.stripe.setLatency(3_000);
  const accepting = call(stack.api, 'POST', `/api/bookings/${inFlight}/accept`, tutor, {}).catch((error: Error) => error);
  const capturePath = `/v1/payment_intents/${stack.stripe.money(inFlight).paymentIntentIds[0]}/capture`;
  await eventually(async () => stack.stripe.requests({ method: 'POST', path: capturePath }).length, (count) => count >= 1, 30_000);
  await temporal.stop('SIGKILL');
  const downAt = Date.now();
  stack.stripe.setLatency(0);
  // While it is down the API cannot reach any workflow: a bounded refusal, not a hang.
  const whileDown = await call(stack.api, 'POST', `/api/bookings/${later}/accept`, tutor, {});
  expect(whileDown.status, JSON.stringify(whileDown.body)).toBeGreaterThanOrEqual(500);
  expect(whileDown.headers.get('content-type')).toContain('application/problem+json');
  const firstAnswer = await accepting;

  await temporal.start();
  const restartedAfterMs = Date.now() - downAt;
  await eventually(() => row(inFlight), (value) => value?.status === 'SCHEDULED' && value.captured_minor === 6_000, 120_000);
  const acceptedLater = await eventually(
    () => call(stack.api, 'POST', `/api/bookings/${later}/accept`, tutor, {}),
    (answer) => answer.status === 200 || answer.status === 202,
    60_000,
  );
  expect(acceptedLater.status).toBeLessThan(300);
  const cancel = await call(stack.api, 'POST', `/api/bookings/${cancelled}/cancel`, tutor, { reason: 'Ill' });
  expect([200, 202], JSON.stringify(cancel.body)).toContain(cancel.status);
  await eventually(() => row(cancelled), (value) => value?.status === 'CANCELLED' && value.refunded_minor === 6_000, 60_000);
  await eventually(() => row(later), (value) => value?.status === 'SCHEDULED', 60_000);

  // Every workflow survived the restart.
  const { client } = stack.api.container.resources.temporal;
  for (const id of ids) expect((await client.workflow.getHandle(bookingWorkflowId(id)).describe()).status.name).toMatch(/RUNNING|COMPLETED/);
  const figures = await expectInvariants(stack, ids);
  expect(figures).toMatchObject({ bookings: 4, authorizations: 4, charges: 4, refunds: 1 });
  const attempts = stack.stripe.requests({ method: 'POST', path: capturePath });
  expect(new Set(attempts.map((attempt) => attempt.idempotencyKey))).toEqual(new Set([`${inFlight}:capture`]));
  report('3 Temporal dev server killed and restarted on its db file', {
    ...figures,
    restartedAfterMs,
    whileDownStatus: whileDown.status,
    inFlightAnswer: firstAnswer instanceof Error ? 'connection error' : firstAnswer.status,
    inFlightCaptureAttempts: attempts.length,
  });
});
