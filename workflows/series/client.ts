/**
 * Everything that talks to a series' workflow from outside it: the start (ID, search attributes,
 * summary), updates with a deadline, the query, and the mapping of its refusals to the API's one
 * error type. Never bundled into the workflow.
 */
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { AppError } from '../../domain/errors.js';
import { isFinishedExecution } from '../finished-execution.js';
import { SEARCH_ATTRIBUTES } from '../booking/definitions.js';
import { getSeriesQuery, SERIES_REFUSALS, SERIES_WORKFLOW_TYPE, type SeriesSnapshot, type SeriesWorkflowInput, seriesWorkflowId } from './definitions.js';

export interface SeriesWorkflowClientOptions {
  taskQueue: string;
  updateTimeoutMs: number;
}

export class SeriesWorkflowClient {
  constructor(
    private readonly temporal: Client,
    private readonly options: SeriesWorkflowClientOptions,
  ) {}

  /** Starts the series' workflow; a retried request joins the one already running. */
  async start(input: SeriesWorkflowInput, names: { student: string; tutor: string }): Promise<void> {
    try {
      await this.startOnce(input, names);
    } catch (error) {
      // A series that already ran to its end is never started a second time.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  private async startOnce(input: SeriesWorkflowInput, names: { student: string; tutor: string }): Promise<void> {
    await this.temporal.workflow.start(SERIES_WORKFLOW_TYPE, {
      workflowId: seriesWorkflowId(input.seriesId),
      taskQueue: this.options.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // The booking keys are reused so ops find a person's series beside their bookings.
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.tutorId, value: input.tutorId },
        { key: SEARCH_ATTRIBUTES.studentId, value: input.studentId },
      ],
      staticSummary: `Weekly lessons: ${names.student} with ${names.tutor}, ${input.weeks.length} weeks from ${input.weeks[0]?.sessionStart ?? '?'}`,
    });
  }

  /** The workflow's answer, or undefined when it took the request but had not applied it by the deadline (202). */
  async update<A>(seriesId: string, update: UpdateDefinition<SeriesSnapshot, [A]>, arg: A): Promise<SeriesSnapshot | undefined> {
    const handle = this.temporal.workflow.getHandle(seriesWorkflowId(seriesId));
    try {
      return await this.temporal.withDeadline(Date.now() + this.options.updateTimeoutMs, () => handle.executeUpdate(update, { args: [arg] }));
    } catch (error) {
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return undefined;
      throw seriesError(error);
    }
  }

  /** The live state; undefined once the workflow is over (the read model has the last word). */
  async query(seriesId: string): Promise<SeriesSnapshot | undefined> {
    try {
      return await this.temporal.withDeadline(Date.now() + this.options.updateTimeoutMs, () => this.temporal.workflow.getHandle(seriesWorkflowId(seriesId)).query(getSeriesQuery));
    } catch {
      return undefined;
    }
  }
}

function seriesError(error: unknown): unknown {
  if (isFinishedExecution(error)) {
    return AppError.conflict('The series is over: cancel or change its lessons one by one');
  }
  const failure = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
  if (!(failure instanceof ApplicationFailure)) return error;
  if (failure.type === SERIES_REFUSALS.invalidState) return AppError.conflict(failure.message);
  if (failure.type === SERIES_REFUSALS.noSuchWeek) return new AppError('unprocessable', failure.message);
  return error;
}
