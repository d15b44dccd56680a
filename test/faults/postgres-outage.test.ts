/**
 * Fault scenario 5: a Postgres of this scenario's own is stopped (fast shutdown), then started, in
 * the middle of a capture; then hung with SIGSTOP for 30 s and resumed with SIGCONT in the middle of
 * another. Activities retry until the database is back; the API answers 503 problem+json while it
 * cannot reach it (bounded, not a hang); nothing is half-written: each booking ends with Stripe, its
 * row and its workflow agreeing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callApi } from '../support/http.js';
import type { TestUser } from '../support/fixtures.js';
import { createTestUser } from '../support/fixtures.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student, TEST_CARD } from '../support/booking-stack.js';
import { expectInvariants, report } from './support/invariants.js';
import { startOwnPostgres, type OwnPostgres } from './support/servers.js';

const FREEZE_MS = 30_000;

let postgres: OwnPostgres;
let stack: BookingStack;
let tutor: TestUser;
let alice: TestUser;
let admin: TestUser;

beforeAll(async () => {
  postgres = await startOwnPostgres();
  stack = await startBookingStack({ DATABASE_URL: postgres.url, BOOKING_UPDATE_TIMEOUT: '5s' });
  await stack.startWorker();
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config);
  [alice, admin] = await Promise.all([student(db, stack.api.config), createTestUser(db, stack.api.config, 'admin')]);
}, 180_000);

afterAll(async () => {
  postgres?.thaw();
  stack?.stripe.clearFaults();
  await stack?.close();
  await postgres?.close();
});

/** A request with a client-side deadline: a hang shows as status 0 instead of stalling the scenario. */
async function probe(path: string, timeoutMs = 15_000): Promise<{ status: number; type: string | null; tookMs: number }> {
  const began = Date.now();
  const answer = await Promise.race([
    callApi(stack.api.baseUrl, 'GET', path, { user: admin }),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs)),
  ]).catch(() => undefined);
  return { status: answer?.status ?? 0, type: answer?.headers.get('content-type') ?? null, tookMs: Date.now() - began };
}

it('5: Postgres stopped then started, and hung 30 s, mid-booking: activities retry, 503 while down, nothing half-written', async () => {
  const { db } = stack.api.container.resources;
  const ids: string[] = [];
  for (const days of [3, 4]) {
    const requested = await requestBooking(stack.api, alice, { tutorId: tutor.id, start: slotInDays(days), lengthMinutes: 60, paymentMethodId: TEST_CARD });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    ids.push(requested.body.bookingId as string);
  }
  const [stopped, frozen] = ids as [string, string];
  const capturesOf = (id: string) => stack.stripe.requests({ method: 'POST', path: `/v1/payment_intents/${stack.stripe.money(id).paymentIntentIds[0]}/capture` });

  // Stopped: Postgres shuts down while Stripe is capturing; the capture's record waits for it.
  stack.stripe.setLatency(2_000);
  const firstAccept = call(stack.api, 'POST', `/api/bookings/${stopped}/accept`, tutor, {}).catch((error: Error) => error);
  await eventually(async () => capturesOf(stopped).length, (count) => count >= 1, 30_000);
  await postgres.stop('SIGINT');
  stack.stripe.setLatency(0);
  const whileStopped = await probe(`/api/bookings/${stopped}`);
  const listWhileStopped = await probe('/api/bookings?attention=true');
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await postgres.start();
  await eventually(() => db('bookings').where({ id: stopped }).first(), (row) => row?.status === 'SCHEDULED' && row.captured_minor === 6_000, 120_000);
  const firstAnswer = await firstAccept;

  // Hung: SIGSTOP mid-capture for 30 s; connections stay open and nothing answers.
  stack.stripe.setLatency(2_000);
  const secondAccept = call(stack.api, 'POST', `/api/bookings/${frozen}/accept`, tutor, {}).catch((error: Error) => error);
  await eventually(async () => capturesOf(frozen).length, (count) => count >= 1, 30_000);
  postgres.freeze();
  const frozenAt = Date.now();
  stack.stripe.setLatency(0);
  // The list reads only Postgres (a booking's own page is answered by its workflow).
  const whileHung = await probe('/api/bookings?attention=true', FREEZE_MS - 5_000);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, FREEZE_MS - (Date.now() - frozenAt))));
  postgres.thaw();
  await eventually(() => db('bookings').where({ id: frozen }).first(), (row) => row?.status === 'SCHEDULED' && row.captured_minor === 6_000, 120_000);
  const recoveredMs = Date.now() - frozenAt - FREEZE_MS;
  const secondAnswer = await secondAccept;

  for (const answer of [whileStopped, listWhileStopped]) {
    expect(answer.status, JSON.stringify(answer)).toBe(503);
    expect(answer.type).toContain('application/problem+json');
  }
  // Hung: 503 either way — the pool's acquire timeout when no connection is free, or the client-side
  // DATABASE_QUERY_TIMEOUT for a request whose pooled connection waits on the frozen server.
  expect(whileHung.status, JSON.stringify(whileHung)).toBe(503);
  expect(whileHung.type).toContain('application/problem+json');
  const figures = await expectInvariants(stack, ids);
  expect(figures).toMatchObject({ bookings: 2, authorizations: 2, charges: 2 });
  for (const id of ids) expect(new Set(capturesOf(id).map((request) => request.idempotencyKey))).toEqual(new Set([`${id}:capture`]));
  report('5 Postgres stopped/started and SIGSTOP 30 s', {
    ...figures,
    whileStopped: `${whileStopped.status} in ${whileStopped.tookMs}ms`,
    whileHung: `${whileHung.status} in ${whileHung.tookMs}ms`,
    acceptsAnswered: [firstAnswer, secondAnswer].map((answer) => (answer instanceof Error ? 'error' : answer.status)).join('/'),
    recoveredAfterThawMs: recoveredMs,
  });
});
