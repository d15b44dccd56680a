/**
 * A lesson paid another way than a card hold (behind `patched('pay-with-credit')`, chosen once at
 * the workflow's start, so bookings started before it replay unchanged):
 *
 * - with a package's credit (input.packageId): the API took the credit before the start (a row
 *   lock in Postgres, so two bookings cannot take the last one); the money is the package's
 *   charge, which the package's workflow owns. This booking keeps the lesson's value as its
 *   ledger (captured = the credit's value) and tells the package's workflow how the lesson
 *   settled: `returned` (declined, expired, cancelled at a tier refunding at least half, refunded
 *   by an admin), or `delivered` / `forfeited` once the payout hold is over — then the package's
 *   workflow transfers the tutor's share from the package's charge (source_transaction);
 * - free (a trial lesson at price 0): Stripe refuses a PaymentIntent of 0, so nothing is held,
 *   captured, refunded or paid out; the lesson runs like any other.
 *
 * Money stays in domain rules: a refund of a credit lesson returns the credit when it asks for at
 * least half of what remains (the same line as domain/credits.ts creditReturnedOnCancel), else
 * nothing moves and the credit counts as used.
 */
import { getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import { EMPTY_LEDGER, refundable } from '../../domain/booking-money.js';
import { commissionOf } from '../../domain/money.js';
import { LESSON_SETTLED_SIGNAL, type LessonSettled, packageWorkflowId } from '../../domain/credits.js';
import type { Actor } from '../../activities/booking/types.js';
import { PATCHES } from './definitions.js';
import type { BookingState } from './state.js';
import type { BookingSteps } from './steps.js';
import type { RefundOutcome } from './money.js';

export type Funding = 'card' | 'credit' | 'free';

/** How the lesson is paid; decided once, at the start (the patch marker goes in only for new kinds). */
export function fundingOf(state: BookingState): Funding {
  const { input } = state;
  if (input.packageId === undefined && input.priceMinor > 0) return 'card';
  if (!patched(PATCHES.payWithCredit)) return 'card';
  return input.packageId !== undefined ? 'credit' : 'free';
}

/** PENDING_PAYMENT without a card: the credit was taken by the API; a free lesson needs nothing. */
export async function holdWithoutCard(steps: BookingSteps, reservation: 'reserved' | 'slot_taken' | 'student_busy'): Promise<boolean> {
  const { state, input } = steps;
  if (reservation !== 'reserved') {
    state.outcome = reservation;
    // The time was taken: the booking never came to be, so its credit goes back.
    await settleCredit(steps, 'returned');
    return false;
  }
  await steps.publishAvailability('Tell watchers the tutor’s time is held');
  await steps.setPayment('authorized');
  await steps.event(state.funding === 'credit' ? 'payment.credit_held' : 'payment.free', 'payment.authorized', 'system', {
    amountMinor: input.priceMinor,
    ...(input.packageId ? { packageId: input.packageId } : {}),
  });
  return true;
}

/** Accepting: the credit's value counts as captured (nothing to capture for a free lesson). */
export async function captureWithoutCard(steps: BookingSteps): Promise<boolean> {
  const { state, input } = steps;
  if (state.funding === 'credit') {
    state.payments.push({ paymentIntentId: '', chargeId: '', stepPrefix: 'credit:', ledger: { ...EMPTY_LEDGER, capturedMinor: input.priceMinor } });
  }
  await steps.setPayment('captured');
  await steps.event('payment.captured', 'payment.captured', 'system', { amountMinor: state.money.capturedMinor, ...(input.packageId ? { packageId: input.packageId } : {}) });
  return true;
}

/** Closing before the lesson (declined, expired, a request cancelled): the credit goes back. */
export async function releaseWithoutCard(steps: BookingSteps, reason: string): Promise<void> {
  if (steps.state.paymentStatus === 'released') return;
  await settleCredit(steps, 'returned');
  await steps.setPayment('released');
  await steps.event('payment.released', 'payment.released', 'system', { reason });
}

/** A refund of a lesson paid with a credit: at least half of what remains returns the credit. */
export async function refundWithoutCard(steps: BookingSteps, requestedMinor: number, step: string, reason: string, actor: Actor, actorId?: string): Promise<RefundOutcome> {
  const { state } = steps;
  const remaining = refundable(state.money);
  // Half by the policy's own rounding: a 50 % tier of an odd amount still returns the credit.
  if (state.funding !== 'credit' || remaining <= 0 || requestedMinor <= 0 || requestedMinor < Math.floor(remaining / 2)) return { kind: 'nothing_to_refund' };
  for (const payment of state.payments) payment.ledger = { ...payment.ledger, refundedMinor: payment.ledger.capturedMinor };
  await settleCredit(steps, 'returned');
  await steps.setPayment('refunded');
  await steps.event('credit.returned', step, actor, { amountMinor: remaining, packageId: state.input.packageId, reason }, actorId);
  return { kind: 'refunded', amountMinor: remaining };
}

/** After the payout hold: the package's workflow pays the tutor's share from the package's charge. */
export async function payFromPackage(steps: BookingSteps): Promise<void> {
  const { state, input } = steps;
  if (state.funding !== 'credit' || refundable(state.money) <= 0 || state.money.paidOutMinor > 0) return;
  await settleCredit(steps, state.status === 'CANCELLED' ? 'forfeited' : 'delivered');
  const [payment] = state.payments;
  const share = refundable(state.money) - commissionOf(refundable(state.money), input.commissionBps);
  if (payment) payment.ledger = { ...payment.ledger, paidOutMinor: share };
  await steps.setPayment('paid_out');
  await steps.event('payout.sent', 'payout.sent', 'system', { amountMinor: share, packageId: input.packageId, from: 'package' });
  await steps.notify('payout-sent', 'payout-sent', [input.tutorId], { amountMinor: share });
}

/** Tells the package's workflow (once per booking: it ignores a repeat). */
async function settleCredit(steps: BookingSteps, outcome: LessonSettled['outcome']): Promise<void> {
  const { state, input } = steps;
  if (state.funding !== 'credit' || !input.packageId || state.creditSettled) return;
  state.creditSettled = true;
  try {
    await getExternalWorkflowHandle(packageWorkflowId(input.packageId)).signal(LESSON_SETTLED_SIGNAL, { bookingId: input.bookingId, outcome } satisfies LessonSettled);
    await steps.event(`credit.${outcome}`, `credit.${outcome}`, 'system', { packageId: input.packageId });
  } catch (error) {
    // The package's workflow is gone (it waits for every booked lesson, so only by an operator's hand).
    await steps.raiseAttention({ id: 'credit', reason: 'payout_failed', message: `The package ${input.packageId} could not be told: ${(error as Error).message}`, retryable: false });
  }
}
