/**
 * A stand-in for the booking workflow, for the ops tests: same workflow type, so `ops` treats it as
 * a booking, but with one step (a charge) whose retries back off to a minute after the second
 * attempt, and a mode that parks in the attention state as the failure policy does.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { condition, defineSignal, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';

export interface StuckActivities {
  charge(): Promise<string>;
}

export const resolvedSignal = defineSignal('resolved');
const ATTENTION = defineSearchAttributeKey('Attention', SearchAttributeType.KEYWORD);

const { charge } = proxyActivities<StuckActivities>({
  startToCloseTimeout: '10s',
  // Attempt 2 after 200 ms, attempt 3 a minute later: a step "stuck retrying" within a second.
  retry: { initialInterval: '200ms', backoffCoefficient: 300, maximumInterval: '1h' },
});

export async function bookingWorkflow(input: { mode: 'charge' | 'attention' }): Promise<string> {
  if (input.mode === 'attention') {
    let resolved = false;
    setHandler(resolvedSignal, () => void (resolved = true));
    upsertSearchAttributes([{ key: ATTENTION, value: 'capture_refused' }]);
    await condition(() => resolved);
    upsertSearchAttributes([{ key: ATTENTION, value: null }]);
    return 'resolved';
  }
  return charge();
}
