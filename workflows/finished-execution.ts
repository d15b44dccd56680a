/**
 * Client side only (never bundled into workflow code): tells "this workflow is not running" apart
 * from every other failure of a start, update or query, so callers answer 409 instead of 500.
 */
import { WorkflowNotFoundError } from '@temporalio/client';

/** The execution does not exist or has completed (Temporal answers NOT_FOUND to an update of a closed one). */
export function isFinishedExecution(error: unknown): boolean {
  if (error instanceof WorkflowNotFoundError) return true;
  const grpcCode = (error as { code?: number }).code ?? (error as { cause?: { code?: number } }).cause?.code;
  return grpcCode === 5 || /workflow execution already completed|workflow not found/i.test((error as Error).message ?? '');
}
