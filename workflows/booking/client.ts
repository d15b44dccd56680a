/**
 * Everything that talks to a booking's workflow from outside it (the API, scripts): the start
 * options and search attributes, the typed query, updates with a deadline, and the mapping of the
 * workflow's refusals and of finished workflows to the one error type. Not workflow code: it is
 * never bundled into the workflow (workflow.ts does not import it).
 *
 * Bounded time: every update has a deadline (BOOKING_UPDATE_TIMEOUT). Not admitted by then (no
 * worker polls, the workflow is stuck), the caller gets 503 with Retry-After; admitted but not done
 * (an activity retrying against an outage), the caller learns it was accepted (202) and reads the
 * effect later from the booking. A request never hangs.
 */
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowUpdateStage,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { AppError } from '../../domain/errors.js';
import { isFinishedExecution } from '../finished-execution.js';
import {
  BOOKING_WORKFLOW_TYPE,
  type BookingSnapshot,
  bookingWorkflowId,
  type BookingWorkflowInput,
  getBookingQuery,
  REFUSALS,
  SEARCH_ATTRIBUTES,
  submitUpdate,
} from './definitions.js';
import { staticSummary } from './details.js';

/** Done: the workflow applied the update and answered. Accepted: admitted, its effect still to come. */
export type UpdateOutcome = { done: true; booking: BookingSnapshot } | { done: false; bookingId: string };

export interface BookingWorkflowClientOptions {
  taskQueue: string;
  updateTimeoutMs: number;
}

/**
 * How a booking's workflow is started — by the API, and by scripts and benchmarks that must start
 * it exactly the same way: its id, the first search attributes, the summary ops read in the UI.
 * Sent with the submit update (update-with-start); a retried request joins the running workflow.
 */
export function startBookingOperation(input: BookingWorkflowInput, taskQueue: string, names: { student: string; tutor: string }) {
  return new WithStartWorkflowOperation(BOOKING_WORKFLOW_TYPE, {
    workflowId: bookingWorkflowId(input.bookingId),
    taskQueue,
    args: [input],
    // Two identical requests racing: the second joins the first's workflow instead of failing.
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: SEARCH_ATTRIBUTES.bookingStatus, value: 'PENDING_PAYMENT' },
      { key: SEARCH_ATTRIBUTES.tutorId, value: input.tutorId },
      { key: SEARCH_ATTRIBUTES.studentId, value: input.studentId },
      { key: SEARCH_ATTRIBUTES.sessionStart, value: new Date(input.sessionStart) },
      { key: SEARCH_ATTRIBUTES.paymentStatus, value: 'pending' },
    ],
    staticSummary: staticSummary(input, names),
    staticDetails: `Booking ${input.bookingId}\n\nStudent ${input.studentId} · tutor ${input.tutorId}\n\nIdempotency-Key ${input.idempotencyKey}`,
  });
}

/** Seconds a client should wait before retrying an update the workflow could not admit in time. */
const RETRY_AFTER_SECONDS = 5;

export class BookingWorkflowClient {
  constructor(
    private readonly temporal: Client,
    private readonly options: BookingWorkflowClientOptions,
  ) {}

  private handle(bookingId: string) {
    return this.temporal.workflow.getHandle(bookingWorkflowId(bookingId));
  }

  /**
   * Starts the booking's workflow (or joins it, for a retried request) and sends the submit update
   * with it: the answer comes once the time is held and the card has answered.
   */
  async submit(input: BookingWorkflowInput, names: { student: string; tutor: string }): Promise<UpdateOutcome> {
    const start = startBookingOperation(input, this.options.taskQueue, names);
    return this.bounded(input.bookingId, (deadline) =>
      this.temporal.withDeadline(deadline, () =>
        this.temporal.workflow.startUpdateWithStart(submitUpdate, { args: [{ requestHash: input.requestHash }], startWorkflowOperation: start, waitForStage: WorkflowUpdateStage.ACCEPTED }),
      ),
    );
  }

  /** Sends an update and answers within the deadline; `updateId` makes a repeated request the same update. */
  async update<A>(bookingId: string, update: UpdateDefinition<BookingSnapshot, [A]>, arg: A, updateId?: string): Promise<UpdateOutcome> {
    return this.bounded(bookingId, (deadline) =>
      this.temporal.withDeadline(deadline, () =>
        this.handle(bookingId).startUpdate(update, { args: [arg], waitForStage: WorkflowUpdateStage.ACCEPTED, ...(updateId ? { updateId } : {}) }),
      ),
    );
  }

  /** The live state; undefined when the workflow is gone (the read model then has the last word). */
  async query(bookingId: string): Promise<BookingSnapshot | undefined> {
    try {
      return await this.temporal.withDeadline(Date.now() + this.options.updateTimeoutMs, () => this.handle(bookingId).query(getBookingQuery));
    } catch {
      return undefined;
    }
  }

  private async bounded(bookingId: string, admit: (deadline: number) => Promise<{ result(): Promise<BookingSnapshot> }>): Promise<UpdateOutcome> {
    const deadline = Date.now() + this.options.updateTimeoutMs;
    let admitted: { result(): Promise<BookingSnapshot> };
    try {
      admitted = await admit(deadline);
    } catch (error) {
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        throw new AppError('unavailable', 'The booking could not take the request in time; try again shortly', { retryAfterSeconds: RETRY_AFTER_SECONDS, extensions: { bookingId } });
      }
      throw toAppError(error);
    }
    try {
      return { done: true, booking: await this.temporal.withDeadline(deadline, () => admitted.result()) };
    } catch (error) {
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return { done: false, bookingId };
      throw toAppError(error);
    }
  }
}

/** The workflow's refusals and a finished workflow, as the API's one error type; anything else as it is. */
export function toAppError(error: unknown): unknown {
  if (isFinishedExecution(error)) return AppError.conflict('Nothing can change this booking any more: its life is over');
  const failure = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
  if (!(failure instanceof ApplicationFailure)) return error;
  switch (failure.type) {
    case REFUSALS.notAParty:
      return AppError.notFound('Booking');
    case REFUSALS.invalidState:
    case REFUSALS.slotTaken:
      return AppError.conflict(failure.message);
    case REFUSALS.idempotencyKeyReused:
    case REFUSALS.invalidRequest:
    case REFUSALS.paymentRefused:
      return new AppError('unprocessable', failure.message);
    default:
      return error;
  }
}

