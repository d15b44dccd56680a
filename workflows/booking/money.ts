/**
 * The booking's money steps against Stripe (ARCHITECTURE.md, "Money"). Amounts come from the
 * ledger rules in domain/booking-money.ts; every call carries the idempotency key
 * `<bookingId>:<step>` (in the activity). A step Stripe refuses for good never fails the workflow:
 * - capture: the hold is released, the booking is cancelled, and an admin is told (attention);
 * - release, refund, reversal, payout: the booking goes on and the step waits for an admin, who
 *   runs it again (same idempotency key) or closes it (settled outside);
 * - an admin's own refund that Stripe refuses is answered to the admin (the caller decides).
 */
import {
  afterPayout,
  afterRefund,
  afterReversal,
  boundedRefund,
  payoutDue,
  refundable,
  reversalFor,
} from '../../domain/booking-money.js';
import type { Actor } from '../../activities/booking/types.js';
import { attempt } from './effects.js';
import type { BookingSteps } from './steps.js';

/** Releases the card hold, if there is one. */
export async function release(steps: BookingSteps, reason: string): Promise<void> {
  const { state, input } = steps;
  const paymentIntentId = state.paymentIntentId;
  if (!paymentIntentId || state.paymentStatus === 'released') return;
  let refusal = '';
  const run = async (): Promise<boolean> => {
    const outcome = await attempt('releasePayment', `Release the card hold (${reason})`, { bookingId: input.bookingId, paymentIntentId });
    if (!outcome.ok) {
      refusal = outcome.message;
      return false;
    }
    await steps.setPayment('released');
    await steps.event('payment.released', 'payment.released', 'system', { reason });
    return true;
  };
  if (await run()) return;
  await steps.raiseAttention({ id: 'release', reason: 'release_failed', message: refusal, retryable: true }, run);
}

/** Captures the authorized amount; false when Stripe refused it (the caller releases and cancels). */
export async function capture(steps: BookingSteps): Promise<boolean> {
  const { state, input } = steps;
  const outcome = await attempt('capturePayment', 'Capture the payment', { bookingId: input.bookingId, paymentIntentId: state.paymentIntentId! });
  if (!outcome.ok) {
    state.paymentFailure = outcome.message;
    await steps.event('payment.capture_failed', 'payment.capture_failed', 'system', { message: outcome.message });
    return false;
  }
  state.chargeId = outcome.value.chargeId;
  state.money = { ...state.money, capturedMinor: outcome.value.amountCapturedMinor };
  await steps.setPayment('captured', { chargeId: state.chargeId });
  await steps.event('payment.captured', 'payment.captured', 'system', { amountMinor: state.money.capturedMinor, chargeId: state.chargeId });
  return true;
}

export type RefundOutcome = { kind: 'refunded'; amountMinor: number } | { kind: 'nothing_to_refund' } | { kind: 'refused'; amountMinor: number; message: string };

/**
 * Refunds up to `requestedMinor`, bounded by what remains (captured − refunded); after a payout,
 * takes the refunded amount back from the tutor as far as the tutor still holds it.
 */
export async function refund(
  steps: BookingSteps,
  requestedMinor: number,
  step: string,
  reason: string,
  actor: Actor,
  actorId?: string,
): Promise<RefundOutcome> {
  const { state, input } = steps;
  const amountMinor = boundedRefund(state.money, requestedMinor);
  const paymentIntentId = state.paymentIntentId;
  if (amountMinor <= 0 || !paymentIntentId) return { kind: 'nothing_to_refund' };
  const outcome = await attempt('refundPayment', `Refund ${amountMinor} ${input.currency} (${reason})`, { bookingId: input.bookingId, paymentIntentId, amountMinor, step, reason });
  if (!outcome.ok) return { kind: 'refused', amountMinor, message: outcome.message };
  // Stripe's answer is what moved; a refund found from an earlier attempt is never counted beyond what remains.
  const refunded = Math.min(outcome.value.amountMinor, refundable(state.money));
  state.money = afterRefund(state.money, refunded);
  await steps.setPayment(state.money.refundedMinor >= state.money.capturedMinor ? 'refunded' : 'partially_refunded');
  await steps.event('refund.issued', step, actor, { amountMinor: refunded, refundId: outcome.value.refundId, reason }, actorId);
  const reverse = reversalFor(state.money, refunded);
  if (state.transferId && reverse > 0) await reverseTransfer(steps, reverse, `reverse-${step}`, actor, actorId);
  await steps.notify(step, 'refund-issued', [input.studentId], { amountMinor: refunded, reason });
  return { kind: 'refunded', amountMinor: refunded };
}

/** A refund the booking owes (a cancellation's, a resolution's): refused, it waits for an admin. */
export async function refundOwed(steps: BookingSteps, requestedMinor: number, step: string, reason: string, actor: Actor, actorId?: string): Promise<void> {
  const outcome = await refund(steps, requestedMinor, step, reason, actor, actorId);
  if (outcome.kind !== 'refused') return;
  await steps.raiseAttention(
    { id: step, reason: 'refund_failed', message: outcome.message, retryable: true, amountMinor: outcome.amountMinor },
    async () => (await refund(steps, requestedMinor, step, reason, actor, actorId)).kind !== 'refused',
  );
}

async function reverseTransfer(steps: BookingSteps, amountMinor: number, step: string, actor: Actor, actorId?: string): Promise<void> {
  const { state, input } = steps;
  const transferId = state.transferId!;
  let refusal = '';
  const run = async (): Promise<boolean> => {
    const outcome = await attempt('reverseTransfer', `Reverse ${amountMinor} ${input.currency} of the payout`, { bookingId: input.bookingId, transferId, amountMinor, step });
    if (!outcome.ok) {
      refusal = outcome.message;
      return false;
    }
    state.money = afterReversal(state.money, Math.min(amountMinor, state.money.paidOutMinor - state.money.reversedMinor));
    await steps.event('payout.reversed', step, actor, { amountMinor }, actorId);
    return true;
  };
  if (await run()) return;
  await steps.raiseAttention({ id: step, reason: 'reversal_failed', message: refusal, retryable: true, amountMinor }, run);
}

/** Transfers the tutor's share; refused, the payout waits for an admin. */
export async function payTutor(steps: BookingSteps, accountId: string): Promise<void> {
  const { state, input } = steps;
  const firstDue = payoutDue(state.money, input.commissionBps);
  if (firstDue <= 0) return;
  let refusal = '';
  const run = async (): Promise<boolean> => {
    // Computed again on a retry: an admin may have refunded part of the lesson meanwhile.
    const amountMinor = payoutDue(state.money, input.commissionBps);
    if (amountMinor <= 0) return true;
    const outcome = await attempt('payoutTutor', `Pay the tutor ${amountMinor} ${input.currency}`, {
      bookingId: input.bookingId,
      chargeId: state.chargeId!,
      tutorAccountId: accountId,
      amountMinor,
      currency: input.currency,
    });
    if (!outcome.ok) {
      refusal = outcome.message;
      return false;
    }
    state.transferId = outcome.value.transferId;
    state.money = afterPayout(state.money, Math.min(outcome.value.amountMinor, amountMinor), input.commissionBps);
    await steps.setPayment('paid_out', { transferId: state.transferId });
    await steps.event('payout.sent', 'payout.sent', 'system', { amountMinor: state.money.paidOutMinor, transferId: state.transferId });
    await steps.notify('payout-sent', 'payout-sent', [input.tutorId], { amountMinor: state.money.paidOutMinor });
    return true;
  };
  if (await run()) return;
  await steps.raiseAttention({ id: 'payout', reason: 'payout_failed', message: refusal, retryable: true, amountMinor: firstDue }, run);
}
