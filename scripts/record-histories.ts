/**
 * Records the booking workflow histories that the test run replays (test/workflow/replay.test.ts),
 * so a deploy that changes the order of the workflow's commands fails a test before it fails a
 * running booking.
 *
 *   tsx scripts/record-histories.ts [--overwrite]               every scenario without a file yet
 *   tsx scripts/record-histories.ts [--overwrite] expiry ...    only these
 *
 * Each scenario runs one booking to completion on the time-skipping test server (the 24-hour
 * expiry, the payout hold and the 30-day refund window pass in seconds) with activities that
 * answer like Stripe, Zoom and the rest would, then saves its history as
 * test/histories/booking-<scenario>.json. Ids are derived from the scenario's name, so a re-recording
 * changes little but times and run ids.
 *
 * Record from committed workflow code: a history is the contract the next deploy is held to, and
 * a history of uncommitted code is a contract nobody shipped. An existing file is kept unless
 * --overwrite is given: it is what running bookings look like, and replacing it would hide exactly
 * the break the replay test is there to catch. After a `patched()` change, keep the old file under a
 * new name (git mv) and record the new path beside it.
 */
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  acceptUpdate,
  adminRefundUpdate,
  adminResolvePayoutUpdate,
  answerRescheduleUpdate,
  bookingWorkflowId,
  type BookingWorkflowInput,
  cancelUpdate,
  declineUpdate,
  disputeOpenedSignal,
  paymentAuthorizedSignal,
  proposeRescheduleUpdate,
  reportNoShowUpdate,
  submitUpdate,
} from '../workflows/booking/definitions.js';
import { startBookingOperation } from '../workflows/booking/client.js';
import type { bookingWorkflow } from '../workflows/booking/workflow.js';
import { bookingInput, HOUR, MINUTE, recordingActivities, type RecordingOptions } from '../test/support/booking-workflow.js';
import { timeSkippingEnvironment, workflowBundle } from '../test/support/temporal.js';
import { HISTORIES_DIR, writeHistory } from './replay/histories.js';

type Handle = WorkflowHandle<typeof bookingWorkflow>;

interface Run {
  env: TestWorkflowEnvironment;
  handle: Handle;
  input: BookingWorkflowInput;
}

interface Scenario {
  name: string;
  story: string;
  options?: RecordingOptions;
  input?: Partial<BookingWorkflowInput>;
  /** Drives the booking after the student's submit; the recorder then waits for the workflow to end. */
  drive(run: Run): Promise<unknown>;
}

const ADMIN_ID = stableUuid('admin');

const accept = ({ handle, input }: Run) => handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });

const SCENARIOS: Scenario[] = [
  {
    name: 'full-lesson-payout',
    story: 'requested, accepted, reminders, lesson, payout hold, transfer to the tutor, refund window',
    drive: accept,
  },
  {
    name: 'free-trial',
    story: 'a free trial lesson (price 0, behind pay-with-credit): no card hold, accepted, the lesson runs, nothing to pay out',
    input: { priceMinor: 0, paymentMethodId: '' },
    drive: accept,
  },
  {
    name: 'expiry',
    story: 'the tutor never answers: the request expires after 24 h and the card hold is released',
    drive: async () => undefined,
  },
  {
    name: 'decline',
    story: 'the tutor declines the request',
    drive: ({ handle, input }) => handle.executeUpdate(declineUpdate, { args: [{ tutorId: input.tutorId, reason: 'Away that week' }] }),
  },
  {
    name: 'student-late-cancel',
    story: 'the student cancels 30 h before: 50 % refund, the tutor is paid the rest after the hold',
    drive: async (run) => {
      await accept(run);
      await run.env.sleep(42 * HOUR);
      await run.handle.executeUpdate(cancelUpdate, { args: [{ actor: 'student', actorId: run.input.studentId, reason: 'Exam moved' }] });
    },
  },
  {
    name: 'reschedule',
    story: 'the student proposes a new time two days later, the tutor agrees, the lesson runs then',
    drive: async (run) => {
      const { handle, input } = run;
      await accept(run);
      const sessionStart = new Date(Date.parse(input.sessionStart) + 48 * HOUR).toISOString();
      const sessionEnd = new Date(Date.parse(input.sessionEnd) + 48 * HOUR).toISOString();
      await handle.executeUpdate(proposeRescheduleUpdate, { args: [{ actorId: input.studentId, sessionStart, sessionEnd }] });
      await handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.tutorId, accept: true }] });
    },
  },
  {
    name: '3ds-webhook',
    story: 'the card needs 3-D Secure; the webhook signals the authorization; the student then cancels the request',
    options: { authorization: 'requires_action' },
    drive: async ({ env, handle, input }) => {
      // The recording activities name the PaymentIntent after the booking, as the webhook would.
      await handle.signal(paymentAuthorizedSignal, { paymentIntentId: `pi_${input.bookingId.slice(0, 8)}` });
      await env.sleep(MINUTE);
      await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'student', actorId: input.studentId, reason: 'Changed my mind' }] });
    },
  },
  {
    name: 'no-show-admin-refund',
    story: 'the student reports the tutor absent: the payout freezes until an admin refunds the student',
    drive: async (run) => {
      const { env, handle, input } = run;
      await accept(run);
      await env.sleep(72 * HOUR + 20 * MINUTE);
      await handle.executeUpdate(reportNoShowUpdate, { args: [{ actorId: input.studentId, note: 'Tutor never joined' }] });
      await env.sleep(10 * 24 * HOUR);
      await handle.executeUpdate(adminResolvePayoutUpdate, { args: [{ adminId: ADMIN_ID, decision: 'refund_student', reason: 'Tutor confirmed absence' }] });
    },
  },
  {
    name: 'dispute-pay-tutor',
    story: 'a dispute freezes the payout; an admin decides for the tutor',
    drive: async (run) => {
      const { env, handle } = run;
      await accept(run);
      await env.sleep(74 * HOUR);
      await handle.signal(disputeOpenedSignal, { disputeId: 'dp_1', reason: 'fraudulent' });
      await env.sleep(5 * 24 * HOUR);
      await handle.executeUpdate(adminResolvePayoutUpdate, { args: [{ adminId: ADMIN_ID, decision: 'pay_tutor', reason: 'Dispute won' }] });
    },
  },
  {
    name: 'admin-refund-after-payout',
    story: 'after the payout an admin refunds part of the price, taken back from the tutor',
    drive: async (run) => {
      const { env, handle } = run;
      await accept(run);
      await env.sleep(72 * HOUR + 20 * MINUTE + 73 * HOUR);
      await handle.executeUpdate(adminRefundUpdate, { args: [{ adminId: ADMIN_ID, amountMinor: 1_000, reason: 'Goodwill', requestId: 'refund-1' }] });
    },
  },
  {
    name: 'instant-tutor-cancel',
    story: 'an instant booking is scheduled at once; the tutor cancels and the student gets everything back',
    input: { instant: true },
    drive: ({ handle, input }) => handle.executeUpdate(cancelUpdate, { args: [{ actor: 'tutor', actorId: input.tutorId, reason: 'Emergency' }] }),
  },
  {
    name: 'card-declined',
    story: 'the card is declined: the booking fails and the time is free again',
    options: { authorization: 'failed' },
    drive: async () => undefined,
  },
  {
    name: 'no-show-uncontested-refund',
    story: 'no-show rules by party: the student reports the tutor absent, the tutor does not contest within 48 h, the student is refunded in full',
    drive: async (run) => {
      const { env, handle, input } = run;
      await accept(run);
      await env.sleep(72 * HOUR + 20 * MINUTE);
      await handle.executeUpdate(reportNoShowUpdate, { args: [{ actorId: input.studentId, note: 'Tutor never joined' }] });
    },
  },
  {
    name: 'reschedule-lapsed-then-shorter',
    story: 'reschedule rules: a proposal lapses unanswered; a shorter lesson is then agreed and the difference refunded',
    drive: async (run) => {
      const { env, handle, input } = run;
      await accept(run);
      const at = (hours: number, minutes: number) => {
        const start = Date.parse(input.sessionStart) + hours * HOUR;
        return { sessionStart: new Date(start).toISOString(), sessionEnd: new Date(start + minutes * MINUTE).toISOString() };
      };
      await handle.executeUpdate(proposeRescheduleUpdate, { args: [{ actorId: input.studentId, ...at(24, 60), noticeMinutes: 0 }] });
      await env.sleep(25 * HOUR);
      await handle.executeUpdate(proposeRescheduleUpdate, { args: [{ actorId: input.tutorId, ...at(2, 30), noticeMinutes: 0 }] });
      await handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.studentId, accept: true }] });
    },
  },
  {
    name: 'reschedule-longer-repriced',
    story: 'reprice-longer: a 90-minute lesson agreed instead of 60, the difference authorized and captured as its own payment; paid out one transfer per charge; an admin refund after the payout split newest first, with its reversals',
    drive: async (run) => {
      const { env, handle, input } = run;
      await accept(run);
      const start = Date.parse(input.sessionStart) + 24 * HOUR;
      const later = { sessionStart: new Date(start).toISOString(), sessionEnd: new Date(start + 90 * MINUTE).toISOString() };
      await handle.executeUpdate(proposeRescheduleUpdate, { args: [{ actorId: input.studentId, ...later, noticeMinutes: 0 }] });
      await handle.executeUpdate(answerRescheduleUpdate, { args: [{ actorId: input.tutorId, accept: true }] });
      await env.sleep(24 * HOUR + 72 * HOUR + 2 * HOUR + 72 * HOUR);
      await handle.executeUpdate(adminRefundUpdate, { args: [{ adminId: ADMIN_ID, amountMinor: 3_000, reason: 'goodwill', requestId: 'history-k1' }] });
    },
  },
];

/** A UUID-shaped id that is the same at every recording, so re-recorded files differ only in times. */
function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(`tutorflow-history:${seed}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const historyFile = (scenario: Scenario) => path.join(HISTORIES_DIR, `booking-${scenario.name}.json`);

async function record(env: TestWorkflowEnvironment, scenario: Scenario): Promise<string> {
  const taskQueue = `record-${scenario.name}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    identity: 'record-histories',
    workflowBundle: await workflowBundle(),
    activities: recordingActivities(scenario.options),
  });
  // The server's clock: earlier scenarios skipped it days ahead of this machine's.
  const input = bookingInput(await env.currentTimeMs(), {
    bookingId: stableUuid(`booking:${scenario.name}`),
    tutorId: stableUuid('tutor'),
    studentId: stableUuid('student'),
    idempotencyKey: stableUuid(`idempotency:${scenario.name}`),
    ...scenario.input,
  });
  const workflowId = bookingWorkflowId(input.bookingId);

  const final = await worker.runUntil(async () => {
    // Started the way the API starts a booking: update-with-start, search attributes, summary.
    const start = startBookingOperation(input, taskQueue, { student: 'Student', tutor: 'Tutor' });
    await env.client.workflow.executeUpdateWithStart(submitUpdate, { args: [{ requestHash: input.requestHash }], startWorkflowOperation: start });
    const handle: Handle = await start.workflowHandle();
    await scenario.drive({ env, handle, input });
    // Only a finished workflow is recorded: nothing is cut off in the middle of an activity.
    return handle.result();
  });
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const file = historyFile(scenario);
  await writeHistory(file, history);
  return `${path.relative(process.cwd(), file)}: ${history.events?.length ?? 0} events; ${final.status}, payment ${final.paymentStatus} (captured ${final.capturedMinor}, refunded ${final.refundedMinor}, paid out ${final.paidOutMinor})`;
}

const overwrite = process.argv.includes('--overwrite');
const wanted = process.argv.slice(2).filter((arg) => arg !== '--overwrite');
const unknown = wanted.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
if (unknown.length > 0) {
  console.error(`unknown scenario: ${unknown.join(', ')}\nscenarios: ${SCENARIOS.map((scenario) => scenario.name).join(', ')}`);
  process.exit(2);
}

const chosen = SCENARIOS.filter((candidate) => wanted.length === 0 || wanted.includes(candidate.name));
const env = await timeSkippingEnvironment();
try {
  for (const scenario of chosen) {
    if (!overwrite && existsSync(historyFile(scenario))) {
      console.log(`${scenario.name}: kept ${path.relative(process.cwd(), historyFile(scenario))} (--overwrite to record it again)`);
      continue;
    }
    console.log(`${scenario.name}: ${scenario.story}`);
    console.log(`  → ${await record(env, scenario)}`);
  }
} finally {
  await env.teardown();
}
