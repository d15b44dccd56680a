/**
 * Model-based tests of the whole money machine (fast-check): random sequences of what people,
 * Stripe and time do to a booking — cards that succeed, decline or need 3-D Secure; accept,
 * decline, cancel by either party at any distance from the lesson; reschedules (a longer lesson
 * pays its difference as a second payment, whose authorization Stripe may refuse); admin refunds
 * (repeated keys too), cancellations and resolutions; no-show reports; disputes (chargebacks, and a
 * student's reported problem decided by an admin with any refund); duplicated
 * webhooks; Stripe refusing a step for good; time jumping across expiry, start, end and the payout
 * hold — run on the time-skipping server with the REAL activities against Postgres and the strict
 * Stripe fake. After every sequence:
 *   - Stripe's view (the fake's state) = the Postgres read model = the workflow's own answer;
 *   - the ledger invariants hold (refunded ≤ captured; the tutor holds no more than was finally
 *     paid less commission); no authorization is left held once the booking is over;
 *   - each Stripe mutation carries one idempotency key per step;
 *   - the workflow finished, having waited only on timers and people (never an activity retrying
 *     a permanent error).
 *
 * Seeded and shrinking: a failure prints the seed and the shrunk sequence. Reproduce one with
 * MONEY_MODEL_SEED=<seed> (and MONEY_MODEL_PATH=<path> for the shrunk case); MONEY_MODEL_RUNS sets
 * how many sequences (200 in npm test; `npm run test:money-model -- --runs 2000` for a night).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBookingActivities } from '../../activities/booking/activities.js';
import { BookingPaymentRepository } from '../../db/repositories/booking-payment-repository.js';
import { paymentsViolations } from '../../domain/booking-money.js';
import { isFinal } from '../../domain/booking-status.js';
import { createEmailSender } from '../../platform/email/create-email-sender.js';
import {
  acceptUpdate,
  adminRefundUpdate,
  adminResolvePayoutUpdate,
  answerRescheduleUpdate,
  type BookingSnapshot,
  bookingWorkflowId,
  cancelUpdate,
  decideDisputeUpdate,
  declineUpdate,
  disputeOpenedSignal,
  getBookingQuery,
  paymentAuthorizedSignal,
  paymentFailedSignal,
  proposeRescheduleUpdate,
  reportNoShowUpdate,
  reportProblemUpdate,
  resolveAttentionUpdate,
  submitUpdate,
} from '../../workflows/booking/definitions.js';
import { bookingWorkflow } from '../../workflows/booking/workflow.js';
import { bookableTutor, student } from '../support/booking-stack.js';
import { bookingInput, HOUR, REAL_TIMINGS } from '../support/booking-workflow.js';
import { startTestFakes, type TestFakes } from '../support/fakes.js';
import type { TestUser } from '../support/fixtures.js';
import { createTestUser } from '../support/fixtures.js';
import { type RunningApi, startTestApi } from '../support/harness.js';
import { startStripeRecorder, type StripeRecorder } from '../support/stripe-recorder.js';
import { timeSkippingEnvironment, uniqueTaskQueue, workflowBundle } from '../support/temporal.js';

const RUNS = Number(process.env.MONEY_MODEL_RUNS ?? 200);
const SEED = process.env.MONEY_MODEL_SEED === undefined ? undefined : Number(process.env.MONEY_MODEL_SEED);
const PATH = process.env.MONEY_MODEL_PATH;
const DAY = 24 * HOUR;
const PRICE = 6_000;
const COMMISSION_BPS = 1_500;

const CARDS = { ok: 'pm_card_visa', declined: 'pm_card_chargeDeclined', threeDs: 'pm_card_threeDSecure2Required' } as const;

type Party = 'student' | 'tutor';
type Action =
  | { kind: 'accept' }
  | { kind: 'decline' }
  | { kind: 'cancel'; by: Party }
  | { kind: 'adminCancel'; refundMinor?: number }
  | { kind: 'adminRefund'; amountMinor: number; key: 'a' | 'b' }
  | { kind: 'propose'; by: Party; shiftHours: number; minutes: 30 | 60 | 90 }
  | { kind: 'answer'; by: Party; accept: boolean }
  /** Proposed by one party and accepted by the other at once: the path a longer lesson pays its difference on. */
  | { kind: 'agreedReschedule'; by: Party; shiftHours: number; minutes: 30 | 60 | 90 }
  | { kind: 'noShow'; by: Party }
  | { kind: 'resolvePayout'; decision: 'pay_tutor' | 'refund_student' }
  | { kind: 'dispute' }
  /** The student reports a problem with the lesson (a platform dispute), and an admin decides it. */
  | { kind: 'reportProblem' }
  | { kind: 'decideDispute'; refundMinor: number }
  | { kind: 'webhook3ds'; succeed: boolean; times: 1 | 2 }
  | { kind: 'stripeRefusesNext'; step: 'authorize' | 'capture' | 'release' | 'refund' | 'transfer' }
  | { kind: 'resolveAttention'; action: 'retry' | 'close' }
  | { kind: 'wait'; hours: number };

interface Scenario {
  card: keyof typeof CARDS;
  instant: boolean;
  policy: 'flexible' | 'moderate' | 'strict';
  startInHours: number;
  actions: Action[];
}

const party = fc.constantFrom<Party>('student', 'tutor');
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Action>({ kind: 'accept' }) },
  { weight: 1, arbitrary: fc.constant<Action>({ kind: 'decline' }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), by: party }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('adminCancel' as const), refundMinor: fc.integer({ min: 0, max: PRICE }) }, { requiredKeys: ['kind'] }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('adminRefund' as const), amountMinor: fc.integer({ min: 1, max: PRICE + 500 }), key: fc.constantFrom('a' as const, 'b' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('propose' as const), by: party, shiftHours: fc.integer({ min: -30, max: 72 }), minutes: fc.constantFrom(30 as const, 60 as const, 90 as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('answer' as const), by: party, accept: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('agreedReschedule' as const), by: party, shiftHours: fc.integer({ min: 2, max: 72 }), minutes: fc.constantFrom(30 as const, 60 as const, 90 as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('noShow' as const), by: party }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resolvePayout' as const), decision: fc.constantFrom('pay_tutor' as const, 'refund_student' as const) }) },
  { weight: 1, arbitrary: fc.constant<Action>({ kind: 'dispute' }) },
  { weight: 3, arbitrary: fc.constant<Action>({ kind: 'reportProblem' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('decideDispute' as const), refundMinor: fc.integer({ min: 0, max: PRICE + 500 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('webhook3ds' as const), succeed: fc.boolean(), times: fc.constantFrom(1 as const, 2 as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stripeRefusesNext' as const), step: fc.constantFrom('authorize' as const, 'capture' as const, 'release' as const, 'refund' as const, 'transfer' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resolveAttention' as const), action: fc.constantFrom('retry' as const, 'close' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wait' as const), hours: fc.constantFrom(1, 6, 20, 25, 49, 80) }) },
);

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  card: fc.constantFrom<Scenario['card']>('ok', 'ok', 'ok', 'declined', 'threeDs'),
  instant: fc.boolean(),
  policy: fc.constantFrom('flexible', 'moderate', 'strict'),
  startInHours: fc.integer({ min: 6, max: 10 * 24 }),
  actions: fc.array(actionArb, { minLength: 1, maxLength: 7 }),
});

let env: TestWorkflowEnvironment;
let api: RunningApi;
let stripe: StripeRecorder;
let fakes: TestFakes;
let worker: Worker;
let running: Promise<void>;
let taskQueue: string;
let students: TestUser[];
let admin: TestUser;
/** Lives in which a longer reschedule paid its difference (a figure the run prints: the path is exercised). */
let repricedLives = 0;
/** Lives in which a student's reported problem was decided (printed too). */
let disputedLives = 0;

beforeAll(async () => {
  [env, stripe, fakes] = await Promise.all([timeSkippingEnvironment(), startStripeRecorder(), startTestFakes()]);
  api = await startTestApi({ ...fakes.overrides, STRIPE_API_BASE: stripe.url });
  const { db, redis } = api.container.resources;
  const config = api.config;
  // Every test card is one of the students' saved cards, as the API requires.
  students = await Promise.all([0, 1].map(() => student(db, config, Object.values(CARDS))));
  admin = await createTestUser(db, config, 'admin');
  taskQueue = uniqueTaskQueue('money-model');
  const emails = createEmailSender(config, db, pino({ level: 'silent' }));
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createBookingActivities({ config, db, redis, emails }),
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await api?.close();
  await Promise.all([stripe?.close(), fakes?.close()]);
  await env?.teardown();
});

/** An update that may be refused (an illegal move is part of the model) or come after the end. */
async function attempt(update: () => Promise<unknown>): Promise<void> {
  try {
    await update();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return;
    const message = (error as Error).message ?? '';
    if (/already completed|not found/i.test(message)) return;
    throw error;
  }
}

const refusalBody = (code: string) => ({ error: { type: 'invalid_request_error', code, message: `Refused by the model (${code})` } });

async function runScenario(scenario: Scenario, index: number): Promise<void> {
  const now = await env.currentTimeMs();
  // A tutor of its own: a run that failed (and was terminated) leaves its time held for good, which
  // must not turn the shrinking runs after it into "slot taken".
  const tutor = await bookableTutor(api.container.resources.db, api.config, { cancellationPolicy: scenario.policy });
  const studentUser = students[index % students.length]!;
  const start = now + scenario.startInHours * HOUR;
  const input = bookingInput(now, {
    bookingId: randomUUID(),
    tutorId: tutor.id,
    studentId: studentUser.id,
    sessionStart: new Date(start).toISOString(),
    sessionEnd: new Date(start + HOUR).toISOString(),
    priceMinor: PRICE,
    commissionBps: COMMISSION_BPS,
    cancellationPolicy: scenario.policy,
    instant: scenario.instant,
    paymentMethodId: CARDS[scenario.card],
    requestExpiresAt: new Date(Math.min(now + DAY, start)).toISOString(),
    timings: REAL_TIMINGS,
  });
  const { bookingId } = input;
  const handle = await env.client.workflow.start(bookingWorkflow, { taskQueue, workflowId: bookingWorkflowId(bookingId), args: [input] });
  const userOf = (who: Party) => (who === 'student' ? studentUser.id : tutor.id);
  const intentId = () => stripe.money(bookingId).paymentIntentIds[0];
  try {
    await attempt(() => handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] }));
    for (const action of scenario.actions) {
      switch (action.kind) {
        case 'accept':
          await attempt(() => handle.executeUpdate(acceptUpdate, { args: [{ tutorId: tutor.id }] }));
          break;
        case 'decline':
          await attempt(() => handle.executeUpdate(declineUpdate, { args: [{ tutorId: tutor.id }] }));
          break;
        case 'cancel':
          await attempt(() => handle.executeUpdate(cancelUpdate, { args: [{ actor: action.by, actorId: userOf(action.by), reason: 'model' }] }));
          break;
        case 'adminCancel':
          await attempt(() =>
            handle.executeUpdate(cancelUpdate, { args: [{ actor: 'admin', actorId: admin.id, reason: 'model', ...(action.refundMinor !== undefined ? { refundAmountMinor: action.refundMinor } : {}) }] }),
          );
          break;
        case 'adminRefund':
          await attempt(() => handle.executeUpdate(adminRefundUpdate, { args: [{ adminId: admin.id, amountMinor: action.amountMinor, reason: 'model', requestId: `${bookingId.slice(0, 8)}-${action.key}` }] }));
          break;
        case 'propose':
        case 'agreedReschedule': {
          const newStart = new Date(Date.parse((await handle.query(getBookingQuery)).sessionStart) + action.shiftHours * HOUR);
          await attempt(() =>
            handle.executeUpdate(proposeRescheduleUpdate, { args: [{ actorId: userOf(action.by), sessionStart: newStart.toISOString(), sessionEnd: new Date(newStart.getTime() + action.minutes * 60_000).toISOString() }] }),
          );
          const other = action.by === 'student' ? 'tutor' : 'student';
          if (action.kind === 'agreedReschedule') await attempt(() => handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: userOf(other), accept: true }] }));
          break;
        }
        case 'answer':
          await attempt(() => handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: userOf(action.by), accept: action.accept }] }));
          break;
        case 'noShow':
          await attempt(() => handle.executeUpdate(reportNoShowUpdate, { args: [{ actorId: userOf(action.by) }] }));
          break;
        case 'resolvePayout':
          await attempt(() => handle.executeUpdate(adminResolvePayoutUpdate, { args: [{ adminId: admin.id, decision: action.decision, reason: 'model' }] }));
          break;
        case 'dispute':
          await handle.signal(disputeOpenedSignal, { disputeId: `dp_${bookingId.slice(0, 8)}`, reason: 'fraudulent' }).catch(() => undefined);
          break;
        case 'reportProblem': {
          // A problem is reported after the lesson: time passes to an hour into the payout hold first.
          const live = await handle.query(getBookingQuery).catch(() => undefined);
          if (live && ['SCHEDULED', 'ACTIVE'].includes(live.status)) await env.sleep(Math.max(0, Date.parse(live.sessionEnd) + 16 * 60_000 + HOUR - (await env.currentTimeMs())));
          await attempt(() => handle.executeUpdate(reportProblemUpdate, { args: [{ actorId: studentUser.id, reason: 'poor_quality', text: 'model' }] }));
          break;
        }
        case 'decideDispute':
          await attempt(() => handle.executeUpdate(decideDisputeUpdate, { args: [{ adminId: admin.id, refundMinor: action.refundMinor, reason: 'model' }] }));
          break;
        case 'webhook3ds': {
          const id = intentId();
          if (!id) break;
          const intent = stripe.state().paymentIntents.find((one) => one.id === id);
          if (intent?.status === 'requires_action') stripe.authenticate(id, action.succeed);
          // Stripe delivers at least once: the same event may come twice.
          for (let i = 0; i < action.times; i++) {
            if (action.succeed) await handle.signal(paymentAuthorizedSignal, { paymentIntentId: id }).catch(() => undefined);
            else await handle.signal(paymentFailedSignal, { paymentIntentId: id, message: 'Authentication failed' }).catch(() => undefined);
          }
          break;
        }
        case 'stripeRefusesNext': {
          const id = intentId();
          // 'authorize' after the submit: the next authorization is a longer lesson's difference.
          const path =
            action.step === 'refund'
              ? '/v1/refunds'
              : action.step === 'transfer'
                ? '/v1/transfers'
                : action.step === 'authorize'
                  ? '/v1/payment_intents'
                  : id
                    ? `/v1/payment_intents/${id}/${action.step === 'capture' ? 'capture' : 'cancel'}`
                    : undefined;
          if (path) stripe.failNext(1, 400, refusalBody(`model_refuses_${action.step}`), { method: 'POST', path });
          break;
        }
        case 'resolveAttention':
          await attempt(() => handle.executeUpdate(resolveAttentionUpdate, { args: [{ adminId: admin.id, action: action.action, reason: 'model' }] }));
          break;
        case 'wait':
          await env.sleep(action.hours * HOUR);
          break;
      }
      await expectNoActivityStuck(bookingId);
      const live = await handle.query(getBookingQuery).catch(() => undefined);
      if (live) expect(paymentsViolations(ledgersOf(live), { priceMinor: PRICE, commissionBps: COMMISSION_BPS })).toEqual([]);
    }
    stripe.clearFaults();
    const final = await settle(handle, bookingId);
    await expectAgreement(bookingId, final);
    if ((final.payments?.length ?? 0) > 1) repricedLives += 1;
    if (final.problem?.decision) disputedLives += 1;
  } finally {
    stripe.clearFaults();
    await handle.terminate('model run over').catch(() => undefined);
  }
}

/** Each payment's ledger (one payment: the totals; a longer reschedule adds the difference's). */
function ledgersOf(state: BookingSnapshot) {
  if (state.payments) return state.payments.map(({ capturedMinor, refundedMinor, paidOutMinor, reversedMinor }) => ({ capturedMinor, refundedMinor, paidOutMinor, reversedMinor }));
  return [{ capturedMinor: state.capturedMinor, refundedMinor: state.refundedMinor, paidOutMinor: state.paidOutMinor, reversedMinor: state.reversedMinor ?? 0 }];
}

/** Never an activity retrying a permanent error: nothing pending has failed more than transiently. */
async function expectNoActivityStuck(bookingId: string): Promise<void> {
  const description = await env.client.workflow.getHandle(bookingWorkflowId(bookingId)).describe();
  const raw = description.raw.pendingActivities ?? [];
  for (const activity of raw) {
    expect(Number(activity.attempt ?? 1), `${activity.activityType?.name} is retrying: ${activity.lastFailure?.message ?? ''}`).toBeLessThan(3);
  }
}

/**
 * Lets the booking run to its end as people would: time passes, an admin settles what waits for
 * them (a frozen payout, attention items). Returns the workflow's final answer.
 */
async function settle(handle: WorkflowHandle<typeof bookingWorkflow>, bookingId: string): Promise<BookingSnapshot> {
  for (let round = 0; round < 12; round++) {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') {
      expect(description.status.name).toBe('COMPLETED');
      return (await handle.result()) as BookingSnapshot;
    }
    const state = await handle.query(getBookingQuery);
    for (const item of state.attention ?? []) {
      await attempt(() => handle.executeUpdate(resolveAttentionUpdate, { args: [{ adminId: admin.id, itemId: item.id, action: item.retryable ? 'retry' : 'close', reason: 'settle' }] }));
    }
    if (state.problem && !state.problem.decision) {
      const refundMinor = round % 2 ? 0 : Math.max(0, state.capturedMinor - state.refundedMinor);
      await attempt(() => handle.executeUpdate(decideDisputeUpdate, { args: [{ adminId: admin.id, refundMinor, reason: 'settle' }] }));
    }
    if (state.payoutFrozen) {
      await attempt(() => handle.executeUpdate(adminResolvePayoutUpdate, { args: [{ adminId: admin.id, decision: round % 2 ? 'pay_tutor' : 'refund_student', reason: 'settle' }] }));
    }
    await env.sleep(20 * DAY);
    await expectNoActivityStuck(bookingId);
  }
  throw new Error(`booking ${bookingId} did not finish`);
}

/** Stripe's view = the Postgres read model = the workflow's answer, and the money rules hold. */
async function expectAgreement(bookingId: string, final: BookingSnapshot): Promise<void> {
  const money = stripe.money(bookingId);
  const row = await api.container.resources.db('bookings').where({ id: bookingId }).first();
  const context = JSON.stringify({ final, money: { ...money, mutations: money.mutations.length } });
  expect(isFinal(final.status), context).toBe(true);
  expect({ captured: money.captured, refunded: money.refunded, paidOut: money.transferred, reversed: money.reversed }, context).toEqual({
    captured: final.capturedMinor,
    refunded: final.refundedMinor,
    paidOut: final.paidOutMinor,
    reversed: final.reversedMinor ?? 0,
  });
  if (row) {
    expect({ status: row.status, price: row.price_minor, captured: row.captured_minor, refunded: row.refunded_minor, paidOut: row.paid_out_minor, attention: row.attention_reason }, context).toEqual({
      status: final.status,
      price: final.priceMinor,
      captured: final.capturedMinor,
      refunded: final.refundedMinor,
      paidOut: final.paidOutMinor,
      attention: null,
    });
  } else {
    // No row: the time was taken before anything else happened; Stripe was never touched.
    expect(money.mutations, context).toEqual([]);
  }
  expect(paymentsViolations(ledgersOf(final), { priceMinor: PRICE, commissionBps: COMMISSION_BPS }), context).toEqual([]);
  // Payment by payment (a longer reschedule pays its difference with its own PaymentIntent): Stripe's
  // charge and its one transfer hold what the workflow says of that payment.
  for (const payment of final.payments ?? []) {
    const intent = stripe.state().paymentIntents.find((one) => one.id === payment.paymentIntentId);
    const transfers = stripe.state().transfers.filter((transfer) => transfer.sourceTransaction === payment.chargeId);
    expect({ captured: intent?.amountReceived, refunded: intent?.amountRefunded, transferred: transfers.reduce((sum, one) => sum + one.amount, 0), reversed: transfers.reduce((sum, one) => sum + one.amountReversed, 0) }, context).toEqual({
      captured: payment.capturedMinor,
      refunded: payment.refundedMinor,
      transferred: payment.paidOutMinor,
      reversed: payment.reversedMinor,
    });
  }
  await expectPaymentsRecorded(bookingId, final, context);
  expect(money.held, `an authorization is still held on a ${final.status} booking: ${context}`).toBe(0);
  const succeeded = money.mutations.filter((mutation) => !mutation.replayed && !mutation.injected && mutation.status !== null && mutation.status < 300).map((mutation) => mutation.idempotencyKey);
  expect(new Set(succeeded).size, `a Stripe step ran twice under one key: ${succeeded.join(', ')}`).toBe(succeeded.length);
}

/**
 * Postgres's record of every payment (booking_payments) = Stripe's, payment by payment: each captured
 * PaymentIntent has its row with the same charge, amounts, transfer and reversals, and a released
 * hold is released there too; the workflow's own payments are the same list, oldest first.
 */
async function expectPaymentsRecorded(bookingId: string, final: BookingSnapshot, context: string): Promise<void> {
  const recorded = await new BookingPaymentRepository(api.container.resources.db).forBooking(bookingId);
  const intents = stripe.state().paymentIntents.filter((intent) => intent.metadata.bookingId === bookingId);
  const captured = intents.filter((intent) => intent.amountReceived > 0);
  const stripeView = captured.map((intent) => {
    const transfers = stripe.state().transfers.filter((transfer) => transfer.sourceTransaction === intent.chargeId);
    return {
      paymentIntentId: intent.id,
      chargeId: intent.chargeId,
      captured: intent.amountReceived,
      refunded: intent.amountRefunded,
      transferId: transfers[0]?.id ?? null,
      transferred: transfers.reduce((sum, one) => sum + one.amount, 0),
      reversed: transfers.reduce((sum, one) => sum + one.amountReversed, 0),
    };
  });
  const rows = recorded
    .filter((payment) => payment.status === 'captured')
    .map((payment) => ({
      paymentIntentId: payment.paymentIntentId,
      chargeId: payment.chargeId,
      captured: payment.amountCapturedMinor,
      refunded: payment.amountRefundedMinor,
      transferId: payment.transferId,
      transferred: payment.transferAmountMinor,
      reversed: payment.amountReversedMinor,
    }));
  const byIntent = (a: { paymentIntentId: string }, b: { paymentIntentId: string }) => a.paymentIntentId.localeCompare(b.paymentIntentId);
  expect([...rows].sort(byIntent), `booking_payments against Stripe: ${context}`).toEqual([...stripeView].sort(byIntent));
  // The workflow's payments (listed when there is more than one) are Postgres's, in the same order.
  if (final.payments) expect(rows.map((row) => row.paymentIntentId), context).toEqual(final.payments.map((payment) => payment.paymentIntentId));
  for (const intent of intents.filter((one) => one.status === 'canceled')) {
    const row = recorded.find((payment) => payment.paymentIntentId === intent.id);
    if (row) expect(row.status, `the released hold ${intent.id}: ${context}`).toBe('released');
  }
}

it(`keeps Stripe, Postgres and the workflow in agreement over ${RUNS} random booking lives`, async () => {
  let index = 0;
  await fc.assert(
    fc.asyncProperty(scenarioArb, (scenario) => runScenario(scenario, index++)),
    { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), ...(PATH ? { path: PATH } : {}), verbose: 1 },
  );
  console.log(`money model: ${RUNS} lives, ${repricedLives} with a longer lesson's difference paid, ${disputedLives} with a student's dispute decided`);
}, 60 * 60_000);
