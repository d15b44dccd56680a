/**
 * Records the histories of a lesson paid with a package's credit, replayed by
 * test/workflow/replay.test.ts beside the booking ones:
 *
 *   test/histories/booking-credit-lesson.json     the booking (behind patched('pay-with-credit')): no card
 *                                                  hold, accepted, the lesson, after the payout hold it tells
 *                                                  the package the lesson was delivered
 *   test/histories/package-credit-lesson-expiry.json  the package: charge, credits granted, that lesson
 *                                                  paid to the tutor from the charge, reminders, expiry and
 *                                                  the pro-rata refund of the unused credits
 *
 *   tsx scripts/record-package-histories.ts [--overwrite]
 *
 * Both run on the time-skipping test server with recording activities (test/support), to their end:
 * only a finished workflow is recorded. Record from committed workflow code, and keep an existing
 * file (it is what running packages look like) unless --overwrite is given.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { acceptUpdate, bookingWorkflowId, submitUpdate } from '../workflows/booking/definitions.js';
import { bookingWorkflow } from '../workflows/booking/workflow.js';
import { packageWorkflowId, submitPackageUpdate } from '../workflows/package/definitions.js';
import { packageWorkflow } from '../workflows/package/workflow.js';
import { bookingInput, recordingActivities } from '../test/support/booking-workflow.js';
import { packageInput, recordingPackageActivities } from '../test/support/package-workflow.js';
import { timeSkippingEnvironment, workflowBundle } from '../test/support/temporal.js';
import { HISTORIES_DIR, writeHistory } from './replay/histories.js';

const bookingFile = path.join(HISTORIES_DIR, 'booking-credit-lesson.json');
const packageFile = path.join(HISTORIES_DIR, 'package-credit-lesson-expiry.json');
if (existsSync(bookingFile) && existsSync(packageFile) && !process.argv.includes('--overwrite')) {
  console.log(`${bookingFile} and ${packageFile} exist; kept (--overwrite to record them again)`);
  process.exit(0);
}

const env = await timeSkippingEnvironment();
try {
  const taskQueue = 'record-credit-lesson';
  const now = await env.currentTimeMs();
  const pkgInput = packageInput(now, {
    packageId: 'c4ed17c4-0000-4000-8000-000000000001',
    studentId: 'c4ed17c4-0000-4000-8000-000000000002',
    tutorId: 'c4ed17c4-0000-4000-8000-000000000003',
  });
  const activities = { ...recordingActivities(), ...recordingPackageActivities(() => pkgInput, { unused: 4, consumed: 1 }) };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  const input = bookingInput(now, {
    bookingId: 'c4ed17c4-0000-4000-8000-000000000004',
    idempotencyKey: 'c4ed17c4-0000-4000-8000-000000000005',
    packageId: pkgInput.packageId,
    priceMinor: 5_000,
    paymentMethodId: '',
    studentId: pkgInput.studentId,
    tutorId: pkgInput.tutorId,
  });
  await worker.runUntil(async () => {
    const packageHandle = await env.client.workflow.start(packageWorkflow, { taskQueue, workflowId: packageWorkflowId(pkgInput.packageId), args: [pkgInput] });
    await packageHandle.executeUpdate(submitPackageUpdate, { args: [{ requestHash: pkgInput.requestHash }] });
    const handle = await env.client.workflow.start(bookingWorkflow, { taskQueue, workflowId: bookingWorkflowId(input.bookingId), args: [input] });
    await handle.executeUpdate(submitUpdate, { args: [{ requestHash: input.requestHash }] });
    await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
    const booking = await handle.result();
    const pkg = await packageHandle.result();
    await writeHistory(bookingFile, await handle.fetchHistory());
    await writeHistory(packageFile, await packageHandle.fetchHistory());
    console.log(`booking ${booking.status}, payment ${booking.paymentStatus}; package ${pkg.status}, paid out ${pkg.paidOutMinor}, refunded ${pkg.refundedMinor}`);
  });
  console.log(`recorded ${bookingFile} and ${packageFile}`);
} finally {
  await env.teardown();
}
