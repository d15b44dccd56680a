/**
 * Bookings end to end: the real API and a real booking worker (the real activities) on the test
 * stack's Temporal dev server, with Stripe behind the recording proxy and Brevo/Zoom/Google faked.
 * Durations are compressed through configuration, as a demo would run them.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createBookingActivities } from '../../activities/booking/activities.js';
import { createPackageActivities } from '../../activities/package/activities.js';
import type { Config } from '../../domain/config.js';
import { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import { createStripeClient } from '../../integrations/stripe.js';
import { createEmailSender } from '../../platform/email/create-email-sender.js';
import { PaymentMethodsService } from '../../services/payments/payment-methods-service.js';
import { createTestTutor } from '../integration/availability/fixtures.js';
import { createTestUser, type TestUser } from './fixtures.js';
import { startTestFakes, type TestFakes } from './fakes.js';
import { startTestApi, type RunningApi } from './harness.js';
import { callApi } from './http.js';
import { startStripeRecorder, type StripeRecorder } from './stripe-recorder.js';
import { workflowBundle } from './temporal.js';
import { pino } from 'pino';

export const COMPRESSED_DURATIONS = {
  BOOKING_REQUEST_TTL: '24h',
  BOOKING_GRACE: '1s',
  BOOKING_REMINDERS: '24h,1h',
  BOOKING_PAYOUT_HOLD: '2s',
  BOOKING_PAYOUT_RECHECK: '1s',
  BOOKING_REFUND_WINDOW: '2s',
  BOOKING_PAYMENT_ACTION_TIMEOUT: '30m',
};

export interface BookingStack {
  api: RunningApi;
  stripe: StripeRecorder;
  fakes: TestFakes;
  taskQueue: string;
  /** Env a worker process needs to join this stack (same database, Stripe, fakes, task queue). */
  workerEnv: Record<string, string>;
  startWorker(): Promise<{ stop(): Promise<void> }>;
  close(): Promise<void>;
}

export async function startBookingStack(overrides: Record<string, string> = {}): Promise<BookingStack> {
  const [stripe, fakes] = await Promise.all([startStripeRecorder(), startTestFakes()]);
  const taskQueue = `booking-test-${randomUUID()}`;
  const env = { ...fakes.overrides, ...COMPRESSED_DURATIONS, STRIPE_API_BASE: stripe.url, TEMPORAL_TASK_QUEUE: taskQueue, ...overrides };
  const api = await startTestApi(env);
  const workers: { stop(): Promise<void> }[] = [];

  async function startWorker() {
    const config: Config = api.config;
    const connection = await NativeConnection.connect({ address: config.temporal.address });
    const { db, redis } = api.container.resources;
    const emails = createEmailSender(config, db, pino({ level: 'silent' }));
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: { ...createBookingActivities({ config, db, redis, emails }), ...createPackageActivities({ config, db, redis, emails }) },
    });
    const running = worker.run();
    let stopped: Promise<void> | undefined;
    const handle = {
      /** Idempotent: a test may stop a worker itself, and close() stops every worker again. */
      stop() {
        stopped ??= (async () => {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running;
          await emails.idle();
          await connection.close();
        })();
        return stopped;
      },
    };
    workers.push(handle);
    return handle;
  }

  return {
    api,
    stripe,
    fakes,
    taskQueue,
    workerEnv: { ...env, DATABASE_URL: api.config.database.url },
    startWorker,
    async close() {
      for (const worker of workers) await worker.stop();
      await api.close();
      await Promise.all([stripe.close(), fakes.close()]);
    },
  };
}

/** A published tutor, free every day around the clock in UTC, who takes bookings at any notice. */
export async function bookableTutor(db: Knex, config: Config, options: { instant?: boolean; bufferMinutes?: number; cancellationPolicy?: string } = {}): Promise<TestUser> {
  const tutor = await createTestTutor(db, config, { hourlyRateMinor: 6_000, currency: 'EUR', lessonLengths: [30, 60] });
  await db('tutor_profiles')
    .where({ user_id: tutor.id })
    .update({
      instant_booking: options.instant ?? false,
      cancellation_policy: options.cancellationPolicy ?? 'moderate',
      stripe_account_id: `acct_${tutor.id.replaceAll('-', '').slice(0, 16)}`,
      payouts_enabled: true,
    });
  await db('availability_rules').insert([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ tutor_id: tutor.id, weekday, start_minute: 0, end_minute: 1440 })));
  await db('tutor_scheduling').insert({ tutor_id: tutor.id, buffer_minutes: options.bufferMinutes ?? 10, minimum_notice_minutes: 0, booking_horizon_days: 365, slot_step_minutes: 30 });
  return tutor;
}

/** The card the booking tests pay with. */
export const TEST_CARD = 'pm_card_visa';

/**
 * A student who has saved TEST_CARD, as the web app would: the card set-up makes them a Stripe
 * customer, and the card is attached to that customer (Stripe Elements does it in a browser).
 * Bookings refuse a card that is not one of the student's saved cards.
 */
export async function student(db: Knex, config: Config, savedCards: readonly string[] = [TEST_CARD]): Promise<TestUser> {
  const user = await createTestUser(db, config, 'student');
  const stripe = createStripeClient(config.stripe);
  const cards = new PaymentMethodsService(stripe, new StudentProfileRepository(db), new UserRepository(db));
  const { customerId } = await cards.createSetupIntent({ userId: user.id, role: 'student', sessionId: user.sessionId });
  for (const card of savedCards) await stripe.paymentMethods.attach(card, { customer: customerId });
  return user;
}

/** A slot start on the tutors' 30-minute grid, `days` from now. */
export function slotInDays(days: number, hourUtc = 10): string {
  const date = new Date(Date.now() + days * 86_400_000);
  date.setUTCHours(hourUtc, 0, 0, 0);
  return date.toISOString();
}

export const call = (api: RunningApi, method: string, path: string, user: TestUser | undefined, body?: unknown, headers: Record<string, string> = {}) =>
  callApi(api.baseUrl, method, path, { user, body, headers });

export function requestBooking(api: RunningApi, user: TestUser, body: Record<string, unknown>, key: string = randomUUID()) {
  return call(api, 'POST', '/api/bookings', user, body, { 'Idempotency-Key': key });
}

/** Polls until `check` passes (the workflow works asynchronously after the API answered). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
