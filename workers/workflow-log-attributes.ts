/**
 * Workflow interceptor bundled into the workflow code: every workflow log line carries the
 * booking's id beside the workflowId the SDK adds. Deterministic: reads only workflowInfo().
 */
import { workflowInfo, type WorkflowInterceptors } from '@temporalio/workflow';

export const interceptors = (): WorkflowInterceptors => ({
  outbound: [
    {
      getLogAttributes(input, next) {
        const { workflowId } = workflowInfo();
        return next(workflowId.startsWith('booking-') ? { ...input, bookingId: workflowId.slice('booking-'.length) } : input);
      },
    },
  ],
});
