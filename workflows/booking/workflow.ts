/**
 * The booking workflow: the single writer of one booking's lifecycle, from the held time and the
 * card's authorization to the tutor's payout. Deterministic code only: time comes from workflow
 * timers, side effects from activities.
 *
 * The parts, one idea a file:
 * - state.ts: what the booking knows (and the query's snapshot of it);
 * - commands.ts: the command table (who may do what, in which state, with what effect);
 * - phases.ts: the timers and waits of each phase, which apply the commands as they come;
 * - transitions.ts and money.ts: the steps that move the booking and its money;
 * - steps.ts and effects.ts: the building blocks and the failure policy of every activity.
 *
 * One thread of control owns every state change: updates are validated at once (a wrong party or
 * state is refused before it enters history), queued, and applied in order by the running phase;
 * each update answers when its command is done. Webhook signals only note what Stripe said.
 */
import { allHandlersFinished, ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { registerCommands } from './commands.js';
import { fundingOf } from './credit.js';
import {
  type BookingSnapshot,
  type BookingWorkflowInput,
  disputeOpenedSignal,
  getBookingQuery,
  paymentAuthorizedSignal,
  paymentFailedSignal,
  REFUSALS,
  submitUpdate,
} from './definitions.js';
import { activePhase, attentionPhase, holdTimeAndAuthorize, payoutPhase, refundWindow, requestPhase, scheduledPhase } from './phases.js';
import { BookingState } from './state.js';
import { BookingSteps, refusalOfState } from './steps.js';

export async function bookingWorkflow(input: BookingWorkflowInput): Promise<BookingSnapshot> {
  const state = new BookingState(input);
  const steps = new BookingSteps(state);
  state.funding = fundingOf(state);

  setHandler(getBookingQuery, () => state.snapshot());
  setHandler(
    submitUpdate,
    async () => {
      await condition(() => state.submissionSettled);
      return state.snapshot();
    },
    {
      validator: ({ requestHash }) => {
        if (requestHash !== input.requestHash) throw ApplicationFailure.nonRetryable('This Idempotency-Key was already used for a different request', REFUSALS.idempotencyKeyReused);
      },
    },
  );
  registerCommands(state);
  setHandler(paymentAuthorizedSignal, ({ paymentIntentId }) => {
    if (paymentIntentId === state.paymentIntentId && state.paymentStatus === 'requires_action') state.webhookPayment = { kind: 'authorized' };
  });
  setHandler(paymentFailedSignal, ({ paymentIntentId, message }) => {
    if (paymentIntentId === state.paymentIntentId && state.paymentStatus === 'requires_action') state.webhookPayment = { kind: 'failed', message };
  });
  setHandler(disputeOpenedSignal, () => {
    state.disputed = true;
    steps.show();
  });

  // ---- the life of a booking -------------------------------------------------------------------
  if (await holdTimeAndAuthorize(steps)) {
    await requestPhase(steps);
    // Read through a function: the phases change the status, which the compiler cannot see.
    const status = () => state.status;
    if (status() === 'SCHEDULED') await scheduledPhase(steps);
    if (status() === 'ACTIVE') await activePhase(steps);
    await payoutPhase(steps);
    await refundWindow(steps);
  }
  state.submissionSettled = true;
  await attentionPhase(steps);
  // Anything still queued arrived too late for its phase: refuse it rather than leave it hanging.
  for (const entry of state.inbox.splice(0)) {
    entry.refusal = refusalOfState(state.status);
    entry.done = true;
  }
  await condition(allHandlersFinished);
  return state.snapshot();
}
