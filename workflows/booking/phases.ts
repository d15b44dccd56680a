/**
 * The phases of a booking's life, each waiting on its timers and applying the commands that arrive
 * meanwhile (through the command table's dispatch):
 *
 *   hold the time and authorize → REQUESTED (until answer / expiry) → SCHEDULED (reminders, until
 *   the start) → ACTIVE (until end + grace) → ENDED → payout hold → payout → refund window →
 *   (attention: until an admin has settled every failed step) → done
 *
 * The order of the activity calls in each phase is what running bookings replay against: a change
 * to it goes behind `patched()` (README, "Replaying, resetting and changing the workflow").
 */
import { condition, patched, setCurrentDetails } from '@temporalio/workflow';
import { termsOf } from '../../domain/booking-terms.js';
import { dispatch, expireProposal } from './commands.js';
import { describeState } from './details.js';
import { attempt, call, callMaybeLocal } from './effects.js';
import { PATCHES } from './definitions.js';
import { payTutor, refundOwed, release } from './money.js';
import { holdWithoutCard } from './credit.js';
import { type BookingSteps, msUntil } from './steps.js';
import { closeBeforeLesson, createMeeting, schedule } from './transitions.js';

/** Applies commands until the deadline passes (or, with no deadline, until `stop` holds). */
export async function drainUntil(steps: BookingSteps, deadlineMs: number | undefined, summary: string, stop: () => boolean = () => false): Promise<void> {
  const { inbox } = steps.state;
  while (!stop()) {
    if (deadlineMs === undefined) {
      await condition(() => inbox.length > 0 || stop());
    } else {
      const remaining = deadlineMs - Date.now();
      if (remaining <= 0) return;
      const commandWaiting = await condition(() => inbox.length > 0 || stop(), remaining, { summary });
      if (!commandWaiting) return;
    }
    const entry = inbox.shift();
    if (entry) await dispatch(steps, entry);
  }
}

/** PENDING_PAYMENT: the insert that holds the tutor's time, then the card's authorization. False when the booking ends here. */
export async function holdTimeAndAuthorize(steps: BookingSteps): Promise<boolean> {
  const { state, input } = steps;
  state.localSubmitRecords = patched(PATCHES.localSubmitRecords);
  // Asked once, here, for the booking's whole life: a booking started before the patch keeps its remote writes.
  state.localRecords = patched(PATCHES.localRecords);
  steps.show();
  const reservation = await callMaybeLocal(state.localSubmitRecords, 'reserveBooking', 'Hold the tutor’s time', termsOf(input));
  if (state.funding !== 'card') return holdWithoutCard(steps, reservation);
  if (reservation !== 'reserved') {
    state.outcome = reservation;
    return false;
  }
  const published = steps.publishAvailability('Tell watchers the tutor’s time is held');
  // Patched, the broadcast runs beside the authorization instead of before it.
  if (!state.localSubmitRecords) await published;

  const authorization = await attempt('authorizePayment', 'Authorize the card (manual capture)', {
    bookingId: input.bookingId,
    studentId: input.studentId,
    amountMinor: input.priceMinor,
    currency: input.currency,
    paymentMethodId: input.paymentMethodId,
    ...(input.offSession ? { offSession: true } : {}),
  });
  await published;
  if (!authorization.ok) {
    // Stripe refused the request itself (e.g. a payment method that is not the student's): no hold exists.
    state.paymentFailure = authorization.message;
  } else {
    const { value } = authorization;
    state.paymentIntentId = value.paymentIntentId;
    if (value.status === 'requires_action') {
      state.paymentClientSecret = value.clientSecret;
      await steps.setPayment('requires_action', { paymentIntentId: state.paymentIntentId });
      state.submissionSettled = true; // the student learns what to finish now, not after the webhook
      const arrived = await condition(() => state.webhookPayment !== undefined || state.inbox.some((queued) => queued.command.kind === 'cancel'), input.timings.paymentActionTimeoutMs, {
        summary: 'Wait for the student to finish the payment',
      });
      if (!arrived) state.webhookPayment = { kind: 'failed', message: 'The payment was not finished in time' };
      if (!state.webhookPayment) {
        // The student cancelled before finishing the payment.
        const entry = state.inbox.splice(state.inbox.findIndex((queued) => queued.command.kind === 'cancel'), 1)[0]!;
        await dispatch(steps, entry);
        return false;
      }
      if (state.webhookPayment.kind === 'failed') {
        state.paymentFailure = state.webhookPayment.message;
        await release(steps, 'payment not finished');
      }
    } else if (value.status === 'failed') {
      state.paymentFailure = value.failureMessage ?? 'The card was declined';
    }
  }
  if (state.paymentFailure) {
    if (state.paymentStatus !== 'released') await steps.setPayment('failed', state.paymentIntentId ? { paymentIntentId: state.paymentIntentId } : {});
    const reason = state.paymentFailure;
    await steps.close('PAYMENT_FAILED', { actor: 'system', reason }, { step: 'payment-failed', template: 'payment-failed', recipients: [input.studentId], params: { message: reason } });
    return false;
  }
  await steps.setPayment('authorized', { paymentIntentId: state.paymentIntentId! });
  await steps.event('payment.authorized', 'payment.authorized', 'system', { amountMinor: input.priceMinor, paymentIntentId: state.paymentIntentId });
  return true;
}

/** REQUESTED until the tutor answers, someone cancels, or the request expires. */
export async function requestPhase(steps: BookingSteps): Promise<void> {
  const { state, input } = steps;
  if (input.instant && state.status === 'PENDING_PAYMENT') {
    await schedule(steps, 'system');
    return;
  }
  await steps.moveTo('REQUESTED', 'student', input.studentId);
  state.submissionSettled = true;
  await steps.notify('requested', 'booking-requested', state.bothParties());
  while (state.status === 'REQUESTED') {
    const commandWaiting = await steps.waitForCommand(msUntil(input.requestExpiresAt), 'Wait for the tutor to answer, until the request expires');
    if (!commandWaiting) {
      await closeBeforeLesson(steps, 'EXPIRED', 'system', undefined, 'The tutor did not answer in time');
      return;
    }
    const entry = state.inbox.shift();
    if (entry) await dispatch(steps, entry);
  }
}

/** SCHEDULED: reminders, reschedules and cancellations until the lesson starts. */
export async function scheduledPhase(steps: BookingSteps): Promise<void> {
  const { state, input } = steps;
  const sentReminders = new Set<string>();
  while (state.status === 'SCHEDULED') {
    const reminders = input.timings.reminderOffsetsMs
      .map((offset) => ({ key: `reminder-${offset}-${state.sessionStart}`, at: Date.parse(state.sessionStart) - offset }))
      .filter((reminder) => !sentReminders.has(reminder.key) && reminder.at > Date.now());
    const next = reminders.sort((a, b) => a.at - b.at)[0];
    const lapses = state.pendingReschedule?.expiresAt === undefined ? undefined : Date.parse(state.pendingReschedule.expiresAt);
    const timerAt = next ? next.at : Date.parse(state.sessionStart);
    const wakeAt = lapses !== undefined && lapses < timerAt ? lapses : timerAt;
    const commandWaiting = await steps.waitForCommand(
      Math.max(0, wakeAt - Date.now()),
      wakeAt !== timerAt
        ? 'Wait for an answer to the proposed new time'
        : next
          ? `Wait to send the reminder ${Math.round((Date.parse(state.sessionStart) - next.at) / 60_000)} min before the lesson`
          : 'Wait for the lesson to start',
    );
    if (!commandWaiting) {
      if (wakeAt !== timerAt) {
        await expireProposal(steps);
        continue;
      }
      if (next) {
        sentReminders.add(next.key);
        // The reminder re-checks the state when it fires: a booking cancelled meanwhile sends none.
        if (state.status === 'SCHEDULED') {
          // Zoom refused the meeting earlier: a reminder is the next chance to give the lesson a link.
          if (!state.meeting) await createMeeting(steps, `meeting-${next.key}`);
          await steps.notify(next.key, 'lesson-reminder', state.bothParties(), { joinUrl: state.meeting?.joinUrl ?? '' });
        }
        continue;
      }
      await steps.moveTo('ACTIVE', 'system', undefined, 'The lesson started');
      return;
    }
    const entry = state.inbox.shift();
    if (entry) await dispatch(steps, entry);
  }
}

/** ACTIVE until the end plus the grace period. */
export async function activePhase(steps: BookingSteps): Promise<void> {
  const { state, input } = steps;
  await drainUntil(steps, Date.parse(state.sessionEnd) + input.timings.graceMs, 'Wait for the lesson to end, plus grace');
  await steps.moveTo('ENDED', 'system', undefined, 'The lesson ended');
  await steps.notify('ended', 'lesson-ended', state.bothParties());
}

/** After the lesson (or a late cancellation that kept money): hold, then pay the tutor. */
export async function payoutPhase(steps: BookingSteps): Promise<void> {
  const { state, input } = steps;
  if (state.refundable() <= 0) return;
  await holdPayout(steps, Date.now() + input.timings.payoutHoldMs);
  // Frozen: an admin decides. Pay or refund, nothing happens until then.
  if (state.isPayoutFrozen()) setCurrentDetails(describeState(state.snapshot(), input));
  await drainUntil(steps, undefined, 'Wait for an admin to resolve the dispute or no-show report', () => !state.isPayoutFrozen());
  // A refund the student is owed (Stripe refused it) comes before the tutor's share: never pay out
  // money that may still go back. Only bookings with such an item wait here (no command otherwise).
  const refundOwed = () => state.attention.some((item) => item.reason === 'refund_failed');
  if (refundOwed()) await drainUntil(steps, undefined, 'Wait for an admin to settle the refund the student is owed', () => !refundOwed());
  if (state.payoutResolution === 'refund_student' || state.refundable() <= 0) return;

  let waitingLogged = false;
  let account = await call('getPayoutAccount', 'Look up the tutor’s payout account', { tutorId: input.tutorId });
  while (!account?.payoutsEnabled) {
    // Waiting, not failing: the tutor may finish onboarding days later.
    if (!waitingLogged) {
      waitingLogged = true;
      await steps.event('payout.waiting_for_account', 'payout.waiting_for_account', 'system');
      await steps.notify('payout-account-needed', 'payout-account-needed', [input.tutorId]);
    }
    await drainUntil(steps, Date.now() + input.timings.payoutRecheckMs, 'Wait for the tutor to enable payouts');
    if (state.refundable() <= 0) return;
    account = await call('getPayoutAccount', 'Look up the tutor’s payout account again', { tutorId: input.tutorId });
  }
  await payTutor(steps, account.accountId);
}

/**
 * The payout hold, and (no-show rules by party) the absent tutor's window to contest a student's
 * report, which may run past the hold: uncontested, the student is refunded in full. Without such
 * a report this is the one timer of the hold, as before the rules existed.
 */
async function holdPayout(steps: BookingSteps, holdEndsMs: number): Promise<void> {
  const { state } = steps;
  state.payoutHoldEndsAt = holdEndsMs;
  for (;;) {
    const pending = state.pendingNoShowRefund();
    const refundAt = pending ? Date.parse(pending.refundAt!) : undefined;
    if (pending && refundAt! <= Date.now()) {
      await refundAbsentTutor(steps);
      continue;
    }
    const holdLeft = holdEndsMs > Date.now();
    if (!holdLeft && refundAt === undefined) return;
    const deadline = Math.min(holdLeft ? holdEndsMs : Infinity, refundAt ?? Infinity);
    const summary = deadline === refundAt ? 'Wait for the tutor to contest the no-show report' : 'Hold the payout in case of a dispute or no-show report';
    // A report, contest or resolution meanwhile changes the deadline: wait again from the new one.
    await drainUntil(steps, deadline, summary, () => state.pendingNoShowRefund() !== pending);
  }
}

/** The tutor was reported absent and did not contest in time: the student gets back all that remains. */
async function refundAbsentTutor(steps: BookingSteps): Promise<void> {
  const { state } = steps;
  state.payoutResolution = 'refund_student';
  steps.show();
  await steps.event('no_show.confirmed', 'no-show-confirmed', 'system', { absent: 'tutor', how: 'uncontested' });
  await refundOwed(steps, state.refundable(), 'refund-no-show', 'The tutor was reported absent and did not contest it', 'system');
  await steps.notify('no-show-refunded', 'no-show-refunded', state.bothParties(), { amountMinor: state.money.refundedMinor });
}

/** Admins can still refund through the workflow for a while after the last money movement. */
export async function refundWindow(steps: BookingSteps): Promise<void> {
  const { state, input } = steps;
  if (state.refundable() > 0) await drainUntil(steps, Date.now() + input.timings.refundWindowMs, 'Stay open for admin refunds', () => state.refundable() <= 0);
}

/** A booking with failed steps waits for an admin to retry or close each one before it ends. */
export async function attentionPhase(steps: BookingSteps): Promise<void> {
  const { state } = steps;
  if (state.attention.length === 0) return;
  await drainUntil(steps, undefined, 'Wait for an admin to settle what needs attention', () => state.attention.length === 0);
}
