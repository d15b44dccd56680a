/**
 * Open bookings, fast: the real booking workflow with the real activities, started the way
 * POST /api/bookings starts it (update-with-start of `submit`) but without the HTTP request, the
 * slot check and the 30-minute grid, so a bench can put deadlines exactly where it wants them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Knex } from 'knex';
import { bookingTimingsOf, type Config } from '../../domain/config.js';
import { startBookingOperation } from '../../workflows/booking/client.js';
import { type BookingWorkflowInput, submitUpdate } from '../../workflows/booking/definitions.js';
import { onStop } from './processes.js';

export interface People {
  tutors: string[];
  students: string[];
}

/** Seeded tutors (bench/search/seed.ts) made bookable: a payout account each, so lessons run to the end. */
/**
 * Students enough for every booking to have its own: a student holds one lesson at a time (the
 * student-overlap constraint), so lessons crowded into a short window need as many students.
 */
export async function seedStudentsUpTo(db: Knex, count: number): Promise<void> {
  await db.raw(
    `insert into users (email, role, display_name, time_zone)
     select 'bench-extra-student-' || g || '@example.test', 'student', 'Student ' || g, 'UTC'
     from generate_series(1, greatest(0, ? - (select count(*) from users where role = 'student'))) g`,
    [count],
  );
}

export async function bookablePeople(db: Knex): Promise<People> {
  await db.raw(`update tutor_profiles set stripe_account_id = 'acct_' || substr(replace(user_id::text, '-', ''), 1, 16), payouts_enabled = true`);
  const tutors = (await db.raw(`select user_id from tutor_profiles order by user_id`)).rows.map((row: { user_id: string }) => row.user_id);
  const students = (await db.raw(`select id from users where role = 'student' order by id`)).rows.map((row: { id: string }) => row.id);
  return { tutors, students };
}

export async function temporalClient(config: Config): Promise<Client> {
  const connection = await Connection.connect({ address: config.temporal.address });
  onStop('temporal client', () => connection.close());
  return new Client({ connection, namespace: config.temporal.namespace });
}

export interface PlannedBooking {
  tutorId: string;
  studentId: string;
  sessionStart: Date;
  sessionEnd: Date;
  requestExpiresAt: Date;
  instant: boolean;
}

export function workflowInput(config: Config, plan: PlannedBooking): BookingWorkflowInput {
  const idempotencyKey = randomUUID();
  const bookingId = randomUUID();
  return {
    bookingId,
    tutorId: plan.tutorId,
    studentId: plan.studentId,
    sessionStart: plan.sessionStart.toISOString(),
    sessionEnd: plan.sessionEnd.toISOString(),
    timeZone: 'UTC',
    bufferMinutes: 0,
    priceMinor: 3_000,
    currency: 'USD',
    commissionBps: config.booking.commissionBps,
    cancellationPolicy: 'moderate',
    instant: plan.instant,
    paymentMethodId: 'pm_card_visa',
    requestExpiresAt: plan.requestExpiresAt.toISOString(),
    idempotencyKey,
    requestHash: createHash('sha256').update(idempotencyKey).digest('hex'),
    timings: bookingTimingsOf(config.booking),
  };
}

/** Starts one booking and waits for the workflow's answer to `submit` (time held, card authorized). */
export async function startBooking(client: Client, config: Config, input: BookingWorkflowInput): Promise<string> {
  const start = startBookingOperation(input, config.temporal.taskQueue, { student: 'Bench student', tutor: 'Bench tutor' });
  const snapshot = await client.workflow.executeUpdateWithStart(submitUpdate, { args: [{ requestHash: input.requestHash }], startWorkflowOperation: start });
  // A refused hold (slot_taken, student_busy) answers PENDING_PAYMENT with its outcome: the booking is over, not open.
  return snapshot.outcome ?? snapshot.status;
}

/**
 * Runs `task` over `items` with `concurrency` in flight, stopping early (without starting more) at
 * `deadlineMs`; calls `progress` every few seconds. Returns how many ran and the failures.
 */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
  options: { deadlineMs: number; progress?: (done: number, failed: number) => void },
): Promise<{ done: number; failed: number; errors: string[] }> {
  let next = 0;
  let done = 0;
  let failed = 0;
  const errors: string[] = [];
  const ticker = options.progress ? setInterval(() => options.progress!(done, failed), 5_000) : undefined;
  const lane = async () => {
    while (next < items.length && Date.now() < options.deadlineMs) {
      const index = next++;
      try {
        await task(items[index]!, index);
        done++;
      } catch (error) {
        failed++;
        if (errors.length < 5) errors.push((error as Error).message);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  } finally {
    if (ticker) clearInterval(ticker);
  }
  return { done, failed, errors };
}
