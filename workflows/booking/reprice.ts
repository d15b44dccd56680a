/**
 * A reschedule to a longer lesson pays the difference as a payment of its own (steps
 * `reprice-<n>:authorize|capture|release`, n counting every attempt so a refused authorization
 * never shares a key with the next one). The order on acceptance:
 *
 *   authorize the difference → move the booking (and its price) → capture the difference
 *
 * so a card that refuses leaves the booking exactly as it was, and a time taken meanwhile costs the
 * student only a released hold. The student is not there to confirm a payment (the other party
 * accepts, or the student proposed days ago): a bank asking for 3-D Secure is a refusal.
 */
import { refundable } from '../../domain/booking-money.js';
import { attempt } from './effects.js';
import type { BookingSteps } from './steps.js';

/** An authorized difference, not yet captured. */
export interface DifferenceHold {
  paymentIntentId: string;
  stepPrefix: string;
  amountMinor: number;
}

export type HoldOutcome = { ok: true; hold: DifferenceHold } | { ok: false; message: string };

export async function authorizeDifference(steps: BookingSteps, amountMinor: number): Promise<HoldOutcome> {
  const { state, input } = steps;
  const stepPrefix = `reprice-${++state.repriceAttempts}:`;
  const outcome = await attempt('authorizePayment', `Authorize the longer lesson’s ${amountMinor} ${input.currency}`, {
    bookingId: input.bookingId,
    studentId: input.studentId,
    amountMinor,
    currency: input.currency,
    paymentMethodId: input.paymentMethodId,
    // Nobody is there to confirm it: a bank that wants 3-D Secure declines (authentication_required).
    offSession: true,
    step: `${stepPrefix}authorize`,
  });
  if (!outcome.ok) return { ok: false, message: outcome.message };
  const { value } = outcome;
  const hold = { paymentIntentId: value.paymentIntentId, stepPrefix, amountMinor };
  if (value.status === 'authorized') {
    await steps.event('payment.authorized', `${stepPrefix}payment.authorized`, 'system', { amountMinor, paymentIntentId: hold.paymentIntentId, for: 'reprice' });
    return { ok: true, hold };
  }
  if (value.status === 'requires_action') {
    await releaseDifference(steps, hold, 'the bank asked for a confirmation the student cannot give here');
    return { ok: false, message: 'The student’s bank asks to confirm the extra payment (3-D Secure), which a reschedule cannot do: book the extra time as a lesson of its own' };
  }
  return { ok: false, message: value.failureMessage ?? 'The card was declined' };
}

/** Lets the difference's hold go; refused, it waits for an admin like the lesson's own hold. */
export async function releaseDifference(steps: BookingSteps, hold: DifferenceHold, reason: string): Promise<void> {
  const { input } = steps;
  let refusal = '';
  const run = async (): Promise<boolean> => {
    const outcome = await attempt('releasePayment', `Release the longer lesson’s hold (${reason})`, { bookingId: input.bookingId, paymentIntentId: hold.paymentIntentId, step: `${hold.stepPrefix}release` });
    if (!outcome.ok) {
      refusal = outcome.message;
      return false;
    }
    await steps.event('payment.released', `${hold.stepPrefix}payment.released`, 'system', { reason, paymentIntentId: hold.paymentIntentId });
    return true;
  };
  if (await run()) return;
  await steps.raiseAttention({ id: `${hold.stepPrefix}release`, reason: 'release_failed', message: refusal, retryable: true, amountMinor: hold.amountMinor }, run);
}

/** Captures the difference: a new payment of the booking. False when Stripe refused (the caller undoes the move). */
export async function captureDifference(steps: BookingSteps, hold: DifferenceHold): Promise<boolean> {
  const { state, input } = steps;
  const outcome = await attempt('capturePayment', `Capture the longer lesson’s ${hold.amountMinor} ${input.currency}`, {
    bookingId: input.bookingId,
    paymentIntentId: hold.paymentIntentId,
    step: `${hold.stepPrefix}capture`,
  });
  if (!outcome.ok) {
    await steps.event('payment.capture_failed', `${hold.stepPrefix}payment.capture_failed`, 'system', { message: outcome.message, paymentIntentId: hold.paymentIntentId });
    return false;
  }
  const { chargeId, amountCapturedMinor } = outcome.value;
  state.payments.push({ paymentIntentId: hold.paymentIntentId, chargeId, stepPrefix: hold.stepPrefix, ledger: { capturedMinor: amountCapturedMinor, refundedMinor: 0, paidOutMinor: 0, reversedMinor: 0 } });
  const { money } = state;
  await steps.setPayment(money.refundedMinor === 0 ? 'captured' : refundable(money) > 0 ? 'partially_refunded' : 'refunded');
  await steps.event('payment.captured', `${hold.stepPrefix}payment.captured`, 'system', { amountMinor: amountCapturedMinor, chargeId, for: 'reprice' });
  return true;
}
