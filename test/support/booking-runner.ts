/**
 * Runs one booking workflow on the time-skipping server with recording activities: a worker of its
 * own, the input on the server's clock, and a terminate at the end so a booking left waiting on an
 * activity never stops the server's clock for the next test.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { expect } from 'vitest';
import { bookingWorkflowId, type BookingWorkflowInput } from '../../workflows/booking/definitions.js';
import { bookingWorkflow } from '../../workflows/booking/workflow.js';
import { bookingInput, type RecordingActivities, recordingActivities, type RecordingOptions } from './booking-workflow.js';
import { uniqueTaskQueue, workflowBundle } from './temporal.js';

export type BookingHandle = WorkflowHandle<typeof bookingWorkflow>;

export type RunBooking = (
  options: RecordingOptions & { input?: Partial<BookingWorkflowInput> },
  body: (handle: BookingHandle, input: BookingWorkflowInput, activities: RecordingActivities) => Promise<void>,
) => Promise<RecordingActivities>;

export function bookingRunner(getEnv: () => TestWorkflowEnvironment, queueName: string): RunBooking {
  return async (options, body) => {
    const env = getEnv();
    const taskQueue = uniqueTaskQueue(queueName);
    const activities = recordingActivities(options);
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    // The server's clock, not this machine's: earlier tests in the file skipped it weeks ahead.
    const input = bookingInput(await env.currentTimeMs(), options.input);
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(bookingWorkflow, { taskQueue, workflowId: bookingWorkflowId(input.bookingId), args: [input] });
      try {
        await body(handle, input, activities);
      } finally {
        await handle.terminate('test finished').catch(() => undefined);
      }
    });
    return activities;
  };
}

/** The refusal an update was answered with: its message and failure type. */
export async function refusalOf(update: Promise<unknown>): Promise<{ message: string; type: string | undefined }> {
  try {
    await update;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause as { message?: string; type?: string } | undefined;
    return { message: cause?.message ?? '', type: cause?.type };
  }
  throw new Error('the update was accepted');
}
