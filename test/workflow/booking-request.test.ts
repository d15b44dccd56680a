import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingActivities, TransitionRecord } from '../../activities/booking/types.js';
import {
  acceptUpdate,
  BOOKING_WORKFLOW_TYPE,
  bookingWorkflowId,
  type BookingWorkflowInput,
  declineUpdate,
  getBookingQuery,
} from '../../workflows/booking/definitions.js';
import { bookingWorkflow } from '../../workflows/booking/workflow.js';
import { devServerEnvironment, timeSkippingEnvironment, uniqueTaskQueue, workflowBundle } from '../support/temporal.js';

const HOUR = 3_600_000;

/** Records what the workflow asked for; the real activities have their own tests. */
function recordingActivities(): BookingActivities & { transitions: TransitionRecord[] } {
  const transitions: TransitionRecord[] = [];
  return {
    transitions,
    async recordTransition(record) {
      transitions.push(record);
    },
  };
}

function bookingInput(now: number, overrides: Partial<BookingWorkflowInput> = {}): BookingWorkflowInput {
  return {
    bookingId: randomUUID(),
    tutorId: 'tutor-1',
    studentId: 'student-1',
    sessionStart: new Date(now + 72 * HOUR).toISOString(),
    sessionEnd: new Date(now + 73 * HOUR).toISOString(),
    requestExpiresAt: new Date(now + 24 * HOUR).toISOString(),
    ...overrides,
  };
}

it('names the workflow type as the constant the API starts it by', () => {
  expect(bookingWorkflow.name).toBe(BOOKING_WORKFLOW_TYPE);
});

describe('booking request on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnvironment();
  });
  afterAll(() => env?.teardown());

  it('expires an unanswered request after 24 hours', async () => {
    const taskQueue = uniqueTaskQueue('expiry');
    const activities = recordingActivities();
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    const input = bookingInput(Date.now());

    const result = await worker.runUntil(
      env.client.workflow.execute(BOOKING_WORKFLOW_TYPE, { taskQueue, workflowId: bookingWorkflowId(input.bookingId), args: [input] }),
    );

    expect(result.status).toBe('EXPIRED');
    expect(activities.transitions.map((t) => [t.from, t.to, t.actor])).toEqual([
      [null, 'REQUESTED', 'student'],
      ['REQUESTED', 'EXPIRED', 'system'],
    ]);
    // The expiry happened in workflow time, a day after the request.
    const [requested, expired] = activities.transitions;
    expect(Date.parse(expired!.at) - Date.parse(requested!.at)).toBeGreaterThanOrEqual(24 * HOUR - 1_000);
  });
});

describe('booking request on the dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await devServerEnvironment();
  });
  afterAll(() => env?.teardown());

  it('schedules the booking when its tutor accepts, and tells ops through BookingStatus', async () => {
    const taskQueue = uniqueTaskQueue('accept');
    const activities = recordingActivities();
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    const input = bookingInput(Date.now());

    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(BOOKING_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: bookingWorkflowId(input.bookingId),
        args: [input],
        searchAttributes: { BookingStatus: ['REQUESTED'], TutorId: [input.tutorId], StudentId: [input.studentId] },
      });

      await expect(handle.executeUpdate(acceptUpdate, { args: [{ tutorId: 'someone-else' }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      expect((await handle.query(getBookingQuery)).status).toBe('REQUESTED');

      const accepted = await handle.executeUpdate(acceptUpdate, { args: [{ tutorId: input.tutorId }] });
      expect(accepted.status).toBe('SCHEDULED');

      expect((await handle.result()).status).toBe('SCHEDULED');
      const description = await handle.describe();
      expect(description.searchAttributes.BookingStatus).toEqual(['SCHEDULED']);
    });

    expect(activities.transitions.map((t) => t.to)).toEqual(['REQUESTED', 'SCHEDULED']);
    expect(activities.transitions[1]).toMatchObject({ actor: 'tutor', actorId: input.tutorId });
  });

  it('declines the request when its tutor says no', async () => {
    const taskQueue = uniqueTaskQueue('decline');
    const activities = recordingActivities();
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    const input = bookingInput(Date.now());

    const result = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(BOOKING_WORKFLOW_TYPE, { taskQueue, workflowId: bookingWorkflowId(input.bookingId), args: [input] });
      await handle.executeUpdate(declineUpdate, { args: [{ tutorId: input.tutorId, reason: 'Fully booked that week' }] });
      return handle.result();
    });

    expect(result.status).toBe('DECLINED');
    expect(activities.transitions.at(-1)).toMatchObject({ to: 'DECLINED', reason: 'Fully booked that week' });
  });
});
