/**
 * Activity interceptors of the booking worker: each attempt counted and timed by activity type,
 * outcome and failure class (the failure policy's words: permanent or transient), and every
 * activity log line stamped with the booking it works for.
 */
import type { Context as ActivityContext } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { activityDuration, activityExecutions } from './metrics.js';

export type ActivityOutcome = 'completed' | 'failed' | 'cancelled';

/** How the failure policy sees an error: permanent (non-retryable), transient (retried) or cancelled. */
export function classifyFailure(error: unknown): { outcome: ActivityOutcome; failureClass: string; errorType: string } {
  if (error instanceof CancelledFailure || (error instanceof Error && error.name === 'AbortError')) {
    return { outcome: 'cancelled', failureClass: 'cancelled', errorType: error.name };
  }
  if (error instanceof ApplicationFailure) {
    return { outcome: 'failed', failureClass: error.nonRetryable ? 'permanent' : 'transient', errorType: error.type ?? error.name };
  }
  return { outcome: 'failed', failureClass: 'transient', errorType: error instanceof Error ? error.name : typeof error };
}

/** `booking-<id>` → `<id>`, the one workflow-ID convention of the booking workflow. */
export function bookingIdOf(workflowId: string | undefined): string | undefined {
  return workflowId?.startsWith('booking-') ? workflowId.slice('booking-'.length) : undefined;
}

export function activityMetricsInterceptors(ctx: ActivityContext): ActivityInterceptors {
  const activityType = ctx.info.activityType;
  const bookingId = bookingIdOf(ctx.info.workflowExecution?.workflowId);
  return {
    inbound: {
      async execute(input, next) {
        const stop = activityDuration.startTimer({ activity_type: activityType });
        try {
          const result = await next(input);
          activityExecutions.inc({ activity_type: activityType, outcome: 'completed', failure_class: '' });
          stop({ outcome: 'completed' });
          return result;
        } catch (error) {
          const { outcome, failureClass } = classifyFailure(error);
          activityExecutions.inc({ activity_type: activityType, outcome, failure_class: failureClass });
          stop({ outcome });
          throw error;
        }
      },
    },
    outbound: {
      getLogAttributes(input, next) {
        return next(bookingId ? { ...input, bookingId } : input);
      },
    },
  };
}
