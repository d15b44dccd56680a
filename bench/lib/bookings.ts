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

/**
 * What creating bookings costs the bench process itself (the Temporal client, the local fakes and
 * the Stripe proxy the worker's activities call): its CPU while at least one booking is in flight.
 * That CPU is Stripe's and the client's in production, not ours, and on a 2-core machine it slows
 * every other process: run.ts prints it per part so a run shows what the bench took for itself.
 */
export class CreationMeter {
  private inFlight = 0;
  private since = { at: 0, cpu: 0 };
  private totals = { bookings: 0, ms: 0, cpuMs: 0 };

  started(): void {
    if (this.inFlight++ === 0) this.since = { at: performance.now(), cpu: cpuMs() };
  }

  finished(ok: boolean): void {
    if (ok) this.totals.bookings++;
    if (--this.inFlight === 0) this.addSince();
  }

  /** Bookings created, their rate and the bench process's CPU per booking since the last take(); then starts over. */
  take(): { bookings: number; perSecond: number; cpuMsPerBooking: number } | undefined {
    if (this.inFlight > 0) {
      this.addSince();
      this.since = { at: performance.now(), cpu: cpuMs() };
    }
    const { bookings, ms, cpuMs: cpu } = this.totals;
    this.totals = { bookings: 0, ms: 0, cpuMs: 0 };
    return bookings === 0 ? undefined : { bookings, perSecond: bookings / (ms / 1000), cpuMsPerBooking: cpu / bookings };
  }

  private addSince(): void {
    this.totals.ms += performance.now() - this.since.at;
    this.totals.cpuMs += cpuMs() - this.since.cpu;
  }
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export const creationMeter = new CreationMeter();

/** Starts one booking and waits for the workflow's answer to `submit` (time held, card authorized). */
export async function startBooking(client: Client, config: Config, input: BookingWorkflowInput): Promise<string> {
  const start = startBookingOperation(input, config.temporal.taskQueue, { student: 'Bench student', tutor: 'Bench tutor' });
  creationMeter.started();
  let answered = false;
  try {
    const snapshot = await client.workflow.executeUpdateWithStart(submitUpdate, { args: [{ requestHash: input.requestHash }], startWorkflowOperation: start });
    answered = true;
    // A refused hold (slot_taken, student_busy) answers PENDING_PAYMENT with its outcome: the booking is over, not open.
    return snapshot.outcome ?? snapshot.status;
  } finally {
    creationMeter.finished(answered);
  }
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
