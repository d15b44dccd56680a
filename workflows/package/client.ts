/**
 * Everything that talks to a package's workflow from outside it (the API, scripts): the start
 * (update-with-start, so a retried purchase joins the running workflow), admin updates with a
 * deadline, and the mapping of refusals to the one error type. Never bundled into workflow code.
 */
import { type Client, WithStartWorkflowOperation, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, WorkflowUpdateStage } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { AppError } from '../../domain/errors.js';
import { isFinishedExecution } from '../finished-execution.js';
import { formatMoney } from '../../domain/money.js';
import { PACKAGE_REFUSALS, PACKAGE_WORKFLOW_TYPE, type PackageSnapshot, packageWorkflowId, type PackageWorkflowInput, submitPackageUpdate } from './definitions.js';

export type PackageOutcome = { done: true; pkg: PackageSnapshot } | { done: false };

export class PackageWorkflowClient {
  constructor(
    private readonly temporal: Client,
    private readonly options: { taskQueue: string; updateTimeoutMs: number },
  ) {}

  /** Starts (or joins) the package's workflow; answers once the card was charged or refused. */
  submit(input: PackageWorkflowInput): Promise<PackageOutcome> {
    const start = new WithStartWorkflowOperation(PACKAGE_WORKFLOW_TYPE, {
      workflowId: packageWorkflowId(input.packageId),
      taskQueue: this.options.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Package of ${input.lessons} × ${input.lengthMinutes} min, ${formatMoney(input.priceMinor, input.currency)}, expires ${input.expiresAt}`,
      staticDetails: `Package ${input.packageId}\n\nStudent ${input.studentId} · tutor ${input.tutorId}`,
    });
    return this.bounded((deadline) =>
      this.temporal.withDeadline(deadline, () =>
        this.temporal.workflow.startUpdateWithStart(submitPackageUpdate, { args: [{ requestHash: input.requestHash }], startWorkflowOperation: start, waitForStage: WorkflowUpdateStage.ACCEPTED }),
      ),
    );
  }

  update<A>(packageId: string, update: UpdateDefinition<PackageSnapshot, [A]>, arg: A, updateId?: string): Promise<PackageOutcome> {
    return this.bounded((deadline) =>
      this.temporal.withDeadline(deadline, () =>
        this.temporal.workflow.getHandle(packageWorkflowId(packageId)).startUpdate(update, { args: [arg], waitForStage: WorkflowUpdateStage.ACCEPTED, ...(updateId ? { updateId } : {}) }),
      ),
    );
  }

  private async bounded(admit: (deadline: number) => Promise<{ result(): Promise<PackageSnapshot> }>): Promise<PackageOutcome> {
    const deadline = Date.now() + this.options.updateTimeoutMs;
    try {
      const admitted = await admit(deadline);
      return { done: true, pkg: await this.temporal.withDeadline(deadline, () => admitted.result()) };
    } catch (error) {
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return { done: false };
      throw toAppError(error);
    }
  }
}

function toAppError(error: unknown): unknown {
  if (isFinishedExecution(error)) return AppError.conflict('Nothing can change this package any more');
  const failure = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
  if (!(failure instanceof ApplicationFailure)) return error;
  if (failure.type === PACKAGE_REFUSALS.invalidState) return AppError.conflict(failure.message);
  if (failure.type === PACKAGE_REFUSALS.idempotencyKeyReused || failure.type === PACKAGE_REFUSALS.paymentRefused) return new AppError('unprocessable', failure.message);
  return error;
}
