/**
 * The booking's money steps against Stripe (ARCHITECTURE.md, "Money"). Amounts come from the
 * ledger rules in domain/booking-money.ts; every call carries the idempotency key
 * `<bookingId>:<step>` (in the activity). A booking may be paid by more than one payment (a longer
 * reschedule captures the difference as its own PaymentIntent, steps `reprice-<n>:…`): refunds,
 * transfers and reversals are split over them by the domain's rules, one Stripe call per payment,
 * the lesson's own payment keeping the step names it always had. A step Stripe refuses for good
 * never fails the workflow:
 * - capture: the hold is released, the booking is cancelled, and an admin is told (attention);
 * - release, refund, reversal, payout: the booking goes on and the step waits for an admin, who
 *   runs it again (same idempotency key) or closes it (settled outside);
 * - an admin's own refund that Stripe refuses is answered to the admin (the caller decides).
 */
import {
  afterRefund,
  EMPTY_LEDGER,
  afterReversal,
  afterTransfer,
  boundedRefund,
  payoutPlan,
  refundable,
  reversalFor,
  splitRefund,
  splitReversal,
} from '../../domain/booking-money.js';
import type { Actor } from '../../activities/booking/types.js';
import type { CapturedPayment } from './state.js';
import { attempt } from './effects.js';
import { captureWithoutCard, payFromPackage, refundWithoutCard, releaseWithoutCard } from './credit.js';
import type { BookingSteps } from './steps.js';

/** Releases the card hold, if there is one. */
export async function release(steps: BookingSteps, reason: string): Promise<void> {
  const { state, input } = steps;
  if (state.funding !== 'card') return releaseWithoutCard(steps, reason);
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
  if (state.funding !== 'card') return captureWithoutCard(steps);
  const outcome = await attempt('capturePayment', 'Capture the payment', { bookingId: input.bookingId, paymentIntentId: state.paymentIntentId! });
  if (!outcome.ok) {
    state.paymentFailure = outcome.message;
    await steps.event('payment.capture_failed', 'payment.capture_failed', 'system', { message: outcome.message });
    return false;
  }
  state.chargeId = outcome.value.chargeId;
  state.payments.push({ paymentIntentId: state.paymentIntentId!, chargeId: state.chargeId, stepPrefix: '', ledger: { ...EMPTY_LEDGER, capturedMinor: outcome.value.amountCapturedMinor } });
  await steps.setPayment('captured', { chargeId: state.chargeId });
  await steps.event('payment.captured', 'payment.captured', 'system', { amountMinor: state.money.capturedMinor, chargeId: state.chargeId });
  return true;
}

export type RefundOutcome = { kind: 'refunded'; amountMinor: number } | { kind: 'nothing_to_refund' } | { kind: 'refused'; amountMinor: number; message: string };

/**
 * Refunds up to `requestedMinor`, bounded by what remains (captured − refunded), split over the
 * payments newest first; after a payout, takes the refunded amount back from the tutor as far as
 * the tutor still holds it. Run again after a refusal, the step refunds only what it has not yet.
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
  if (state.funding !== 'card') return refundWithoutCard(steps, requestedMinor, step, reason, actor, actorId);
  const progress = state.refundProgress.get(step) ?? new Map<number, number>();
  state.refundProgress.set(step, progress);
  const doneBefore = [...progress.values()].reduce((sum, amount) => sum + amount, 0);
  // A payment this step already refunded is not asked again (Stripe would answer its first refund).
  const ledgers = state.payments.map((payment, index) => (progress.has(index) ? { ...payment.ledger, refundedMinor: payment.ledger.capturedMinor } : payment.ledger));
  const parts = splitRefund(ledgers, boundedRefund(state.money, requestedMinor - doneBefore));
  if (parts.every((part) => part === 0)) return doneBefore > 0 ? { kind: 'refunded', amountMinor: doneBefore } : { kind: 'nothing_to_refund' };
  let refundedNow = 0;
  for (let index = parts.length - 1; index >= 0; index--) {
    const amountMinor = parts[index]!;
    if (amountMinor <= 0) continue;
    const payment = state.payments[index]!;
    const paymentStep = `${payment.stepPrefix}${step}`;
    const outcome = await attempt('refundPayment', `Refund ${amountMinor} ${input.currency} (${reason})`, {
      bookingId: input.bookingId,
      paymentIntentId: payment.paymentIntentId,
      amountMinor,
      step: paymentStep,
      reason,
    });
    if (!outcome.ok) return { kind: 'refused', amountMinor: parts.slice(0, index + 1).reduce((sum, part) => sum + part, 0), message: outcome.message };
    // Stripe's answer is what moved; a refund found from an earlier attempt is never counted beyond what remains.
    const refunded = Math.min(outcome.value.amountMinor, refundable(payment.ledger));
    payment.ledger = afterRefund(payment.ledger, refunded);
    progress.set(index, refunded);
    refundedNow += refunded;
    await steps.setPayment(state.money.refundedMinor >= state.money.capturedMinor ? 'refunded' : 'partially_refunded');
    await steps.event('refund.issued', paymentStep, actor, { amountMinor: refunded, refundId: outcome.value.refundId, reason }, actorId);
  }
  const reversals = splitReversal(
    state.payments.map((payment) => payment.ledger),
    reversalFor(state.money, refundedNow),
  );
  for (let index = reversals.length - 1; index >= 0; index--) {
    const amountMinor = reversals[index]!;
    const payment = state.payments[index]!;
    if (amountMinor > 0 && payment.transferId) await reverseTransfer(steps, payment, amountMinor, `${payment.stepPrefix}reverse-${step}`, actor, actorId);
  }
  await steps.notify(step, 'refund-issued', [input.studentId], { amountMinor: refundedNow, reason });
  return { kind: 'refunded', amountMinor: doneBefore + refundedNow };
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

async function reverseTransfer(steps: BookingSteps, payment: CapturedPayment, amountMinor: number, step: string, actor: Actor, actorId?: string): Promise<void> {
  const { input } = steps;
  const transferId = payment.transferId!;
  let refusal = '';
  const run = async (): Promise<boolean> => {
    const outcome = await attempt('reverseTransfer', `Reverse ${amountMinor} ${input.currency} of the payout`, { bookingId: input.bookingId, transferId, amountMinor, step });
    if (!outcome.ok) {
      refusal = outcome.message;
      return false;
    }
    payment.ledger = afterReversal(payment.ledger, Math.min(amountMinor, payment.ledger.paidOutMinor - payment.ledger.reversedMinor));
    await steps.event('payout.reversed', step, actor, { amountMinor }, actorId);
    return true;
  };
  if (await run()) return;
  await steps.raiseAttention({ id: step, reason: 'reversal_failed', message: refusal, retryable: true, amountMinor }, run);
}

/**
 * Transfers the tutor's share, one transfer per charge (source_transaction names one charge);
 * refused, the payout waits for an admin, and run again pays only the transfers still missing.
 */
export async function payTutor(steps: BookingSteps, accountId: string): Promise<void> {
  const { state, input } = steps;
  if (state.funding !== 'card') return payFromPackage(steps);
  const ledgers = () => state.payments.map((payment) => payment.ledger);
  const firstDue = payoutPlan(ledgers(), input.commissionBps).reduce((sum, part) => sum + part, 0);
  if (firstDue <= 0) return;
  let refusal = '';
  const run = async (): Promise<boolean> => {
    // Computed again on a retry: an admin may have refunded part of the lesson meanwhile.
    const plan = payoutPlan(ledgers(), input.commissionBps);
    if (plan.every((part) => part <= 0)) return true;
    for (const [index, amountMinor] of plan.entries()) {
      if (amountMinor <= 0) continue;
      const payment = state.payments[index]!;
      const outcome = await attempt('payoutTutor', `Pay the tutor ${amountMinor} ${input.currency}`, {
        bookingId: input.bookingId,
        chargeId: payment.chargeId,
        tutorAccountId: accountId,
        amountMinor,
        currency: input.currency,
        ...(payment.stepPrefix ? { step: `${payment.stepPrefix}payout` } : {}),
      });
      if (!outcome.ok) {
        refusal = outcome.message;
        return false;
      }
      payment.transferId = outcome.value.transferId;
      payment.ledger = afterTransfer(payment.ledger, Math.min(outcome.value.amountMinor, amountMinor));
      state.transferId ??= payment.transferId;
    }
    await steps.setPayment('paid_out', { transferId: state.transferId! });
    await steps.event('payout.sent', 'payout.sent', 'system', { amountMinor: state.money.paidOutMinor, transferId: state.transferId });
    await steps.notify('payout-sent', 'payout-sent', [input.tutorId], { amountMinor: state.money.paidOutMinor });
    return true;
  };
  if (await run()) return;
  await steps.raiseAttention({ id: 'payout', reason: 'payout_failed', message: refusal, retryable: true, amountMinor: firstDue }, run);
}
