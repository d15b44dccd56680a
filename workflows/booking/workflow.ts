/**
 * The booking workflow: the single writer of one booking's lifecycle, from the held time and the
 * card's authorization to the tutor's payout. Deterministic code only: time comes from workflow
 * timers, side effects from activities.
 *
 * One thread of control owns every state change. Updates (accept, cancel, refund, …) are validated
 * at once (a wrong party or a wrong state is refused before it enters history), then queued as
 * commands; the phase that is running applies them in order and the update answers when its
 * command is done. That keeps each transition in one place and free of races between handlers.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/common';
import type { BookingActivities, PaymentStatus } from '../../activities/booking/types.js';
import { canTransition, type BookingStatus } from '../../domain/booking-status.js';
import { refundForCancellation } from '../../domain/cancellation-policy.js';
import { tutorPayout } from '../../domain/money.js';
import {
  acceptUpdate,
  adminRefundUpdate,
  adminResolvePayoutUpdate,
  answerRescheduleUpdate,
  type BookingSnapshot,
  type BookingWorkflowInput,
  cancelUpdate,
  declineUpdate,
  disputeOpenedSignal,
  getBookingQuery,
  type NoShowReport,
  type Party,
  paymentAuthorizedSignal,
  paymentFailedSignal,
  proposeRescheduleUpdate,
  REFUSALS,
  reportNoShowUpdate,
  type RescheduleProposal,
  SEARCH_ATTRIBUTES,
  submitUpdate,
} from './definitions.js';
import { describeState } from './details.js';

const ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  // Outages retry with backoff for as long as it takes; declines and invalid requests fail at once.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};
const activities = proxyActivities<BookingActivities>(ACTIVITY_OPTIONS);

/** Calls an activity with a plain-words summary, which the Temporal UI shows on its events. */
function run<K extends keyof BookingActivities>(name: K, summary: string, ...args: Parameters<BookingActivities[K]>) {
  const activity = activities[name] as unknown as { executeWithOptions(options: ActivityOptions, args: unknown[]): ReturnType<BookingActivities[K]> };
  return activity.executeWithOptions({ ...ACTIVITY_OPTIONS, summary }, args);
}

type Command =
  | { kind: 'accept'; tutorId: string; reason?: string }
  | { kind: 'decline'; tutorId: string; reason?: string }
  | { kind: 'cancel'; actor: 'student' | 'tutor' | 'admin'; actorId: string; reason: string; refundAmountMinor?: number }
  | { kind: 'proposeReschedule'; party: Party; actorId: string; sessionStart: string; sessionEnd: string }
  | { kind: 'answerReschedule'; party: Party; actorId: string; accept: boolean }
  | { kind: 'reportNoShow'; party: Party; actorId: string; note?: string }
  | { kind: 'adminRefund'; adminId: string; amountMinor: number; reason: string; requestId: string }
  | { kind: 'adminResolvePayout'; adminId: string; decision: 'pay_tutor' | 'refund_student'; reason: string };

interface Queued {
  command: Command;
  done: boolean;
  refusal?: { message: string; type: string };
}

export async function bookingWorkflow(input: BookingWorkflowInput): Promise<BookingSnapshot> {
  const { bookingId, timings } = input;
  let status: BookingStatus = 'PENDING_PAYMENT';
  let paymentStatus: PaymentStatus = 'pending';
  let outcome: BookingSnapshot['outcome'];
  let sessionStart = input.sessionStart;
  let sessionEnd = input.sessionEnd;
  let paymentIntentId: string | undefined;
  let paymentClientSecret: string | undefined;
  let paymentFailure: string | undefined;
  let chargeId: string | undefined;
  let transferId: string | undefined;
  let capturedMinor = 0;
  let refundedMinor = 0;
  let paidOutMinor = 0;
  let reversedMinor = 0;
  let meeting: { meetingId: string; joinUrl: string } | undefined;
  let pendingReschedule: RescheduleProposal | undefined;
  const noShowReports: NoShowReport[] = [];
  let disputed = false;
  let payoutResolution: 'pay_tutor' | 'refund_student' | undefined;
  /** The submit update waits for this: the time is held (or not) and the card has answered. */
  let submissionSettled = false;
  let webhookPayment: { kind: 'authorized' } | { kind: 'failed'; message: string } | undefined;
  const inbox: Queued[] = [];

  const snapshot = (): BookingSnapshot => ({
    bookingId,
    status,
    paymentStatus,
    ...(outcome ? { outcome } : {}),
    sessionStart,
    sessionEnd,
    requestExpiresAt: input.requestExpiresAt,
    ...(paymentStatus === 'requires_action' && paymentClientSecret ? { paymentClientSecret } : {}),
    ...(paymentFailure ? { paymentFailure } : {}),
    capturedMinor,
    refundedMinor,
    paidOutMinor,
    ...(meeting ? { meetingJoinUrl: meeting.joinUrl } : {}),
    ...(pendingReschedule ? { pendingReschedule } : {}),
    noShowReports: [...noShowReports],
    payoutFrozen: isPayoutFrozen(),
  });

  const currentStatus = (): BookingStatus => status;
  const isPayoutFrozen = () => payoutResolution === undefined && (disputed || noShowReports.length > 0);
  const nowIso = () => new Date().toISOString(); // workflow time: the same on replay
  const msUntil = (iso: string) => Math.max(0, Date.parse(iso) - Date.now());
  const partyOf = (userId: string): Party | undefined =>
    userId === input.studentId ? 'student' : userId === input.tutorId ? 'tutor' : undefined;
  const otherParty = (party: Party): Party => (party === 'student' ? 'tutor' : 'student');
  const userOf = (party: Party) => (party === 'student' ? input.studentId : input.tutorId);
  const bothParties = () => [input.studentId, input.tutorId];

  function showState(): void {
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTES.bookingStatus, value: status },
      { key: SEARCH_ATTRIBUTES.paymentStatus, value: paymentStatus },
      { key: SEARCH_ATTRIBUTES.sessionStart, value: new Date(sessionStart) },
    ]);
    setCurrentDetails(describeState(snapshot(), input));
  }

  async function moveTo(to: BookingStatus, actor: 'student' | 'tutor' | 'admin' | 'system', actorId?: string, reason?: string): Promise<void> {
    if (!canTransition(status, to)) throw ApplicationFailure.nonRetryable(`A ${status} booking cannot become ${to}`, REFUSALS.invalidState);
    const from = status;
    status = to;
    showState();
    await run('recordTransition', `${from} → ${to}${reason ? `: ${reason}` : ''}`, {
      bookingId,
      from,
      to,
      at: nowIso(),
      actor,
      ...(actorId ? { actorId } : {}),
      ...(reason ? { reason } : {}),
    });
  }

  async function setPayment(next: PaymentStatus, extra: { paymentIntentId?: string; chargeId?: string; transferId?: string } = {}): Promise<void> {
    paymentStatus = next;
    showState();
    await run('recordPayment', `Payment is now ${next}`, { bookingId, paymentStatus: next, ...extra, capturedMinor, refundedMinor, paidOutMinor });
  }

  async function event(type: string, dedupeKey: string, actor: 'student' | 'tutor' | 'admin' | 'system', data: Record<string, unknown> = {}, actorId?: string) {
    await run('recordEvent', `Log ${type}`, { bookingId, type, at: nowIso(), actor, dedupeKey, data, ...(actorId ? { actorId } : {}) });
  }

  async function notify(step: string, template: string, recipients: string[], params: Record<string, string | number> = {}) {
    await run('notify', `Email ${template} to ${recipients.length === 2 ? 'both parties' : recipients[0] === input.tutorId ? 'the tutor' : 'the student'}`, {
      bookingId,
      step,
      template,
      recipientUserIds: recipients,
      params: { bookingId, sessionStart, sessionEnd, timeZone: input.timeZone, priceMinor: input.priceMinor, currency: input.currency, ...params },
    });
  }

  // ---- commands --------------------------------------------------------------------------------

  function refuse(message: string, type: string): never {
    throw ApplicationFailure.nonRetryable(message, type);
  }

  async function submit(command: Command): Promise<BookingSnapshot> {
    const entry: Queued = { command, done: false };
    inbox.push(entry);
    await condition(() => entry.done);
    if (entry.refusal) refuse(entry.refusal.message, entry.refusal.type);
    return snapshot();
  }

  const requireParty = (actorId: string): Party => partyOf(actorId) ?? refuse('This is not your booking', REFUSALS.notAParty);
  const requireStatus = (...allowed: BookingStatus[]) => {
    if (!allowed.includes(status)) refuse(`Not possible while the booking is ${status}`, REFUSALS.invalidState);
  };

  setHandler(getBookingQuery, snapshot);
  setHandler(
    submitUpdate,
    async () => {
      await condition(() => submissionSettled);
      return snapshot();
    },
    {
      validator: ({ requestHash }) => {
        if (requestHash !== input.requestHash) refuse('This Idempotency-Key was already used for a different request', REFUSALS.idempotencyKeyReused);
      },
    },
  );
  setHandler(acceptUpdate, (answer) => submit({ kind: 'accept', ...answer }), {
    validator: ({ tutorId }) => {
      if (tutorId !== input.tutorId) refuse('Only the booking’s tutor can answer its request', REFUSALS.notAParty);
      requireStatus('REQUESTED');
    },
  });
  setHandler(declineUpdate, (answer) => submit({ kind: 'decline', ...answer }), {
    validator: ({ tutorId }) => {
      if (tutorId !== input.tutorId) refuse('Only the booking’s tutor can answer its request', REFUSALS.notAParty);
      requireStatus('REQUESTED');
    },
  });
  setHandler(cancelUpdate, (request) => submit({ kind: 'cancel', ...request }), {
    validator: (request) => {
      if (request.actor !== 'admin') requireParty(request.actorId);
      if (request.actor !== 'admin' && request.refundAmountMinor !== undefined) refuse('Only admins choose a refund amount', REFUSALS.invalidRequest);
      requireStatus('PENDING_PAYMENT', 'REQUESTED', 'SCHEDULED');
      if (request.refundAmountMinor !== undefined && (!Number.isInteger(request.refundAmountMinor) || request.refundAmountMinor < 0 || request.refundAmountMinor > capturedMinor - refundedMinor)) {
        refuse(`The refund must be a whole amount between 0 and ${capturedMinor - refundedMinor}`, REFUSALS.invalidRequest);
      }
    },
  });
  setHandler(proposeRescheduleUpdate, (proposal) => submit({ kind: 'proposeReschedule', party: requireParty(proposal.actorId), ...proposal }), {
    validator: (proposal) => {
      requireParty(proposal.actorId);
      requireStatus('SCHEDULED');
      const start = Date.parse(proposal.sessionStart);
      const end = Date.parse(proposal.sessionEnd);
      if (!(end > start)) refuse('The new end must come after the new start', REFUSALS.invalidRequest);
      if (start <= Date.now()) refuse('The new time must be in the future', REFUSALS.invalidRequest);
    },
  });
  setHandler(answerRescheduleUpdate, (answer) => submit({ kind: 'answerReschedule', party: requireParty(answer.actorId), ...answer }), {
    validator: (answer) => {
      const party = requireParty(answer.actorId);
      requireStatus('SCHEDULED');
      if (!pendingReschedule) refuse('No new time has been proposed', REFUSALS.invalidState);
      if (pendingReschedule.proposedBy === party) refuse('The other party must answer your proposal', REFUSALS.invalidState);
    },
  });
  setHandler(reportNoShowUpdate, (report) => submit({ kind: 'reportNoShow', party: requireParty(report.actorId), ...report }), {
    validator: (report) => {
      const party = requireParty(report.actorId);
      requireStatus('ACTIVE', 'ENDED');
      if (paymentStatus === 'paid_out') refuse('The tutor was already paid; contact support', REFUSALS.invalidState);
      if (noShowReports.some((existing) => existing.reportedBy === party)) refuse('You already reported this lesson', REFUSALS.invalidState);
    },
  });
  setHandler(adminRefundUpdate, (refund) => submit({ kind: 'adminRefund', ...refund }), {
    validator: ({ amountMinor }) => {
      const refundable = capturedMinor - refundedMinor;
      if (!Number.isInteger(amountMinor) || amountMinor <= 0) refuse('The refund must be a positive whole amount in minor units', REFUSALS.invalidRequest);
      if (amountMinor > refundable) refuse(`At most ${refundable} can be refunded: that is what was captured and not yet refunded`, REFUSALS.invalidRequest);
    },
  });
  setHandler(adminResolvePayoutUpdate, (resolution) => submit({ kind: 'adminResolvePayout', ...resolution }), {
    validator: (_resolution) => {
      if (!isPayoutFrozen()) refuse('The payout is not waiting for a decision', REFUSALS.invalidState);
    },
  });
  setHandler(paymentAuthorizedSignal, ({ paymentIntentId: id }) => {
    if (id === paymentIntentId && paymentStatus === 'requires_action') webhookPayment = { kind: 'authorized' };
  });
  setHandler(paymentFailedSignal, ({ paymentIntentId: id, message }) => {
    if (id === paymentIntentId && paymentStatus === 'requires_action') webhookPayment = { kind: 'failed', message };
  });
  setHandler(disputeOpenedSignal, () => {
    disputed = true;
    showState();
  });

  /** Waits until a command arrives or the deadline passes; true when a command is waiting. */
  const waitForCommand = (ms: number, summary: string) => condition(() => inbox.length > 0, ms, { summary });

  // ---- money steps -----------------------------------------------------------------------------

  async function release(reason: string): Promise<void> {
    if (!paymentIntentId || paymentStatus === 'released') return;
    await run('releasePayment', `Release the card hold (${reason})`, { bookingId, paymentIntentId });
    await setPayment('released');
    await event('payment.released', 'payment.released', 'system', { reason });
  }

  async function refund(amountMinor: number, step: string, reason: string, actor: 'student' | 'tutor' | 'admin' | 'system', actorId?: string): Promise<void> {
    if (amountMinor <= 0 || !paymentIntentId) return;
    const result = await run('refundPayment', `Refund ${amountMinor} ${input.currency} (${reason})`, { bookingId, paymentIntentId, amountMinor, step, reason });
    refundedMinor += result.amountMinor;
    await setPayment(refundedMinor >= capturedMinor ? 'refunded' : 'partially_refunded');
    await event('refund.issued', step, actor, { amountMinor: result.amountMinor, refundId: result.refundId, reason }, actorId);
    if (transferId && paidOutMinor - reversedMinor > 0) {
      // Already paid out: take the refunded amount back from the tutor, as far as it goes.
      const reverse = Math.min(result.amountMinor, paidOutMinor - reversedMinor);
      await run('reverseTransfer', `Reverse ${reverse} ${input.currency} of the payout`, { bookingId, transferId, amountMinor: reverse, step: `reverse-${step}` });
      reversedMinor += reverse;
      await event('payout.reversed', `reverse-${step}`, actor, { amountMinor: reverse }, actorId);
    }
    await notify(step, 'refund-issued', [input.studentId], { amountMinor: result.amountMinor, reason });
  }

  async function capture(): Promise<boolean> {
    try {
      const result = await run('capturePayment', 'Capture the payment', { bookingId, paymentIntentId: paymentIntentId! });
      chargeId = result.chargeId;
      capturedMinor = result.amountCapturedMinor;
      await setPayment('captured', { chargeId });
      await event('payment.captured', 'payment.captured', 'system', { amountMinor: capturedMinor, chargeId });
      return true;
    } catch (error) {
      paymentFailure = (error as Error).message;
      await event('payment.capture_failed', 'payment.capture_failed', 'system', { message: paymentFailure });
      return false;
    }
  }

  // ---- phases ----------------------------------------------------------------------------------

  async function holdTimeAndAuthorize(): Promise<boolean> {
    showState();
    const reservation = await run('reserveBooking', 'Hold the tutor’s time', {
      bookingId,
      studentId: input.studentId,
      tutorId: input.tutorId,
      sessionStart,
      sessionEnd,
      bufferMinutes: input.bufferMinutes,
      timeZone: input.timeZone,
      priceMinor: input.priceMinor,
      currency: input.currency,
      commissionBps: input.commissionBps,
      cancellationPolicy: input.cancellationPolicy,
      instant: input.instant,
      requestExpiresAt: input.requestExpiresAt,
      idempotencyKey: input.idempotencyKey,
      requestHash: input.requestHash,
    });
    if (reservation === 'slot_taken') {
      outcome = 'slot_taken';
      return false;
    }
    await run('publishAvailabilityChanged', 'Tell watchers the tutor’s time is held', { tutorId: input.tutorId });

    const authorization = await run('authorizePayment', 'Authorize the card (manual capture)', {
      bookingId,
      studentId: input.studentId,
      amountMinor: input.priceMinor,
      currency: input.currency,
      paymentMethodId: input.paymentMethodId,
    });
    paymentIntentId = authorization.paymentIntentId;
    if (authorization.status === 'requires_action') {
      paymentClientSecret = authorization.clientSecret;
      await setPayment('requires_action', { paymentIntentId });
      submissionSettled = true; // the student learns what to finish now, not after the webhook
      const arrived = await condition(() => webhookPayment !== undefined || inbox.some((q) => q.command.kind === 'cancel'), timings.paymentActionTimeoutMs, {
        summary: 'Wait for the student to finish the payment',
      });
      if (!arrived) webhookPayment = { kind: 'failed', message: 'The payment was not finished in time' };
      if (!webhookPayment) {
        // The student cancelled before finishing the payment.
        const entry = inbox.splice(inbox.findIndex((queued) => queued.command.kind === 'cancel'), 1)[0]!;
        const command = entry.command as Extract<Command, { kind: 'cancel' }>;
        await closeBeforeLesson('CANCELLED', command.actor, command.actorId, command.reason);
        entry.done = true;
        return false;
      }
      if (webhookPayment.kind === 'failed') {
        paymentFailure = webhookPayment.message;
        await release('payment not finished');
      }
    } else if (authorization.status === 'failed') {
      paymentFailure = authorization.failureMessage ?? 'The card was declined';
    }
    if (paymentFailure) {
      if (paymentStatus !== 'released') await setPayment('failed', { paymentIntentId });
      await moveTo('PAYMENT_FAILED', 'system', undefined, paymentFailure);
      submissionSettled = true;
      await run('publishAvailabilityChanged', 'Tell watchers the time is free again', { tutorId: input.tutorId });
      await notify('payment-failed', 'payment-failed', [input.studentId], { message: paymentFailure });
      return false;
    }
    await setPayment('authorized', { paymentIntentId });
    await event('payment.authorized', 'payment.authorized', 'system', { amountMinor: input.priceMinor, paymentIntentId });
    return true;
  }

  async function closeBeforeLesson(to: 'DECLINED' | 'EXPIRED' | 'CANCELLED', actor: 'student' | 'tutor' | 'admin' | 'system', actorId: string | undefined, reason: string) {
    await release(reason);
    await moveTo(to, actor, actorId, reason);
    await run('publishAvailabilityChanged', 'Tell watchers the time is free again', { tutorId: input.tutorId });
    await notify(to.toLowerCase(), `booking-${to.toLowerCase()}`, bothParties(), { reason });
  }

  async function schedule(actor: 'tutor' | 'system', actorId?: string): Promise<void> {
    if (!(await capture())) {
      await moveTo('CANCELLED', 'system', undefined, 'The payment could not be captured');
      submissionSettled = true;
      await run('publishAvailabilityChanged', 'Tell watchers the time is free again', { tutorId: input.tutorId });
      await notify('capture-failed', 'booking-cancelled', bothParties(), { reason: 'The payment could not be captured' });
      return;
    }
    await moveTo('SCHEDULED', actor, actorId, input.instant ? 'Instant booking' : undefined);
    // An instant booking answers its student now; the meeting, calendars and emails follow.
    submissionSettled = true;
    meeting = await run('createMeeting', 'Create the Zoom meeting', { bookingId, topic: 'Tutorflow lesson', start: sessionStart, end: sessionEnd, timeZone: input.timeZone });
    await run('recordMeeting', 'Keep the meeting link with the booking', { bookingId, meetingId: meeting.meetingId, joinUrl: meeting.joinUrl });
    await event('meeting.created', 'meeting.created', 'system', { meetingId: meeting.meetingId });
    await run('syncCalendars', 'Put the lesson in connected Google calendars', lessonCalendarEntry());
    await notify('scheduled', 'booking-scheduled', bothParties(), { joinUrl: meeting.joinUrl });
    showState();
  }

  const lessonCalendarEntry = () => ({
    bookingId,
    userIds: bothParties(),
    summary: 'Tutorflow lesson',
    description: `Booking ${bookingId}`,
    start: sessionStart,
    end: sessionEnd,
    ...(meeting ? { joinUrl: meeting.joinUrl } : {}),
  });

  /** REQUESTED until the tutor answers, someone cancels, or the request expires. */
  async function requestPhase(): Promise<void> {
    if (input.instant && status === 'PENDING_PAYMENT') {
      await schedule('system');
      return;
    }
    await moveTo('REQUESTED', 'student', input.studentId);
    submissionSettled = true;
    await notify('requested', 'booking-requested', bothParties());
    while (status === 'REQUESTED') {
      const commandWaiting = await waitForCommand(msUntil(input.requestExpiresAt), 'Wait for the tutor to answer, until the request expires');
      if (!commandWaiting) {
        await closeBeforeLesson('EXPIRED', 'system', undefined, 'The tutor did not answer in time');
        return;
      }
      const entry = inbox.shift();
      if (!entry) continue;
      const { command } = entry;
      if (command.kind === 'accept') await schedule('tutor', command.tutorId);
      else if (command.kind === 'decline') await closeBeforeLesson('DECLINED', 'tutor', command.tutorId, command.reason ?? 'The tutor declined');
      // A tutor who cancels a request they have not answered is declining it.
      else if (command.kind === 'cancel') await closeBeforeLesson(command.actor === 'tutor' ? 'DECLINED' : 'CANCELLED', command.actor, command.actorId, command.reason);
      else entry.refusal = { message: `Not possible while the booking is ${status}`, type: REFUSALS.invalidState };
      entry.done = true;
    }
  }

  /** SCHEDULED: reminders, reschedules and cancellations until the lesson starts. */
  async function scheduledPhase(): Promise<void> {
    const sentReminders = new Set<string>();
    while (status === 'SCHEDULED') {
      const reminders = timings.reminderOffsetsMs
        .map((offset) => ({ key: `reminder-${offset}-${sessionStart}`, at: Date.parse(sessionStart) - offset }))
        .filter((reminder) => !sentReminders.has(reminder.key) && reminder.at > Date.now());
      const next = reminders.sort((a, b) => a.at - b.at)[0];
      const wakeAt = next ? next.at : Date.parse(sessionStart);
      const commandWaiting = await waitForCommand(
        Math.max(0, wakeAt - Date.now()),
        next ? `Wait to send the reminder ${Math.round((Date.parse(sessionStart) - next.at) / 60_000)} min before the lesson` : 'Wait for the lesson to start',
      );
      if (!commandWaiting) {
        if (next) {
          sentReminders.add(next.key);
          // The reminder re-checks the state when it fires: a booking cancelled meanwhile sends none.
          if (status === 'SCHEDULED') await notify(next.key, 'lesson-reminder', bothParties(), { joinUrl: meeting?.joinUrl ?? '' });
          continue;
        }
        await moveTo('ACTIVE', 'system', undefined, 'The lesson started');
        return;
      }
      const entry = inbox.shift();
      if (!entry) continue;
      await applyScheduledCommand(entry);
      entry.done = true;
    }
  }

  async function applyScheduledCommand(entry: Queued): Promise<void> {
    const { command } = entry;
    if (command.kind === 'cancel') {
      const decision =
        command.actor === 'admin'
          ? { amountMinor: command.refundAmountMinor ?? capturedMinor - refundedMinor }
          : refundForCancellation({ policy: input.cancellationPolicy, cancelledBy: command.actor, capturedMinor, cancelledAt: new Date(), sessionStart: new Date(sessionStart) });
      await moveTo('CANCELLED', command.actor, command.actorId, command.reason);
      await refund(decision.amountMinor, 'refund-cancel', `Cancelled by the ${command.actor}: ${command.reason}`, command.actor, command.actorId);
      if (meeting) await run('deleteMeeting', 'Delete the Zoom meeting', { bookingId, meetingId: meeting.meetingId });
      await run('removeCalendarEvents', 'Remove the lesson from Google calendars', { bookingId, userIds: bothParties() });
      await run('publishAvailabilityChanged', 'Tell watchers the time is free again', { tutorId: input.tutorId });
      await notify('cancelled', 'booking-cancelled', bothParties(), { reason: command.reason, refundMinor: decision.amountMinor, cancelledBy: command.actor });
    } else if (command.kind === 'proposeReschedule') {
      pendingReschedule = { proposedBy: command.party, sessionStart: command.sessionStart, sessionEnd: command.sessionEnd };
      await event('reschedule.proposed', `reschedule.proposed-${command.sessionStart}`, command.party, { ...pendingReschedule }, command.actorId);
      await notify(`reschedule-proposed-${command.sessionStart}`, 'reschedule-proposed', [userOf(otherParty(command.party))], { newStart: command.sessionStart, newEnd: command.sessionEnd });
      showState();
    } else if (command.kind === 'answerReschedule') {
      const proposal = pendingReschedule!;
      pendingReschedule = undefined;
      if (!command.accept) {
        await event('reschedule.declined', `reschedule.declined-${proposal.sessionStart}`, command.party, {}, command.actorId);
        await notify(`reschedule-declined-${proposal.sessionStart}`, 'reschedule-declined', [userOf(proposal.proposedBy)]);
        showState();
        return;
      }
      const moved = await run('recordReschedule', 'Move the booking to the agreed time', { bookingId, sessionStart: proposal.sessionStart, sessionEnd: proposal.sessionEnd });
      if (moved === 'slot_taken') {
        entry.refusal = { message: 'The tutor is no longer free at that time', type: REFUSALS.slotTaken };
        showState();
        return;
      }
      const previous = { sessionStart, sessionEnd };
      sessionStart = proposal.sessionStart;
      sessionEnd = proposal.sessionEnd;
      showState();
      await event('rescheduled', `rescheduled-${sessionStart}`, command.party, { from: previous, to: { sessionStart, sessionEnd } }, command.actorId);
      if (meeting) await run('updateMeeting', 'Move the Zoom meeting', { bookingId, meetingId: meeting.meetingId, topic: 'Tutorflow lesson', start: sessionStart, end: sessionEnd, timeZone: input.timeZone });
      await run('syncCalendars', 'Move the lesson in Google calendars', lessonCalendarEntry());
      await run('publishAvailabilityChanged', 'Tell watchers the tutor’s booked time moved', { tutorId: input.tutorId });
      await notify(`rescheduled-${sessionStart}`, 'booking-rescheduled', bothParties(), { previousStart: previous.sessionStart });
    } else if (command.kind === 'adminRefund') {
      await refund(command.amountMinor, `refund-admin-${command.requestId}`, command.reason, 'admin', command.adminId);
    } else {
      entry.refusal = { message: `Not possible while the booking is ${status}`, type: REFUSALS.invalidState };
    }
  }

  /** Applies commands that can come in any phase after the lesson (refunds, reports, resolutions). */
  async function applyLateCommand(entry: Queued): Promise<void> {
    const { command } = entry;
    if (command.kind === 'reportNoShow') {
      const report: NoShowReport = { reportedBy: command.party, absent: otherParty(command.party), at: nowIso(), ...(command.note ? { note: command.note } : {}) };
      noShowReports.push(report);
      await event('no_show.reported', `no-show-${command.party}`, command.party, { ...report }, command.actorId);
      await notify(`no-show-${command.party}`, 'no-show-reported', bothParties(), { reportedBy: command.party });
      showState();
    } else if (command.kind === 'adminRefund') {
      await refund(command.amountMinor, `refund-admin-${command.requestId}`, command.reason, 'admin', command.adminId);
    } else if (command.kind === 'adminResolvePayout') {
      payoutResolution = command.decision;
      await event('payout.resolved', `payout.resolved`, 'admin', { decision: command.decision, reason: command.reason }, command.adminId);
      if (command.decision === 'refund_student') await refund(capturedMinor - refundedMinor, 'refund-resolution', command.reason, 'admin', command.adminId);
      showState();
    } else {
      entry.refusal = { message: `Not possible while the booking is ${status}`, type: REFUSALS.invalidState };
    }
  }

  /** Applies late commands until the deadline passes (or, with no deadline, until `stop` holds). */
  async function drainUntil(deadlineMs: number | undefined, summary: string, stop: () => boolean = () => false): Promise<void> {
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
      if (!entry) continue;
      await applyLateCommand(entry);
      entry.done = true;
    }
  }

  /** ACTIVE until the end plus the grace period. */
  async function activePhase(): Promise<void> {
    await drainUntil(Date.parse(sessionEnd) + timings.graceMs, 'Wait for the lesson to end, plus grace');
    await moveTo('ENDED', 'system', undefined, 'The lesson ended');
    await notify('ended', 'lesson-ended', bothParties());
  }

  /** After the lesson (or a late cancellation that kept money): hold, then pay the tutor. */
  async function payoutPhase(): Promise<void> {
    if (capturedMinor - refundedMinor <= 0) return;
    await drainUntil(Date.now() + timings.payoutHoldMs, 'Hold the payout in case of a dispute or no-show report');
    // Frozen: an admin decides. Pay or refund, nothing happens until then.
    if (isPayoutFrozen()) setCurrentDetails(describeState(snapshot(), input));
    await drainUntil(undefined, 'Wait for an admin to resolve the dispute or no-show report', () => !isPayoutFrozen());
    if (payoutResolution === 'refund_student' || capturedMinor - refundedMinor <= 0) return;

    let waitingLogged = false;
    let account = await run('getPayoutAccount', 'Look up the tutor’s payout account', { tutorId: input.tutorId });
    while (!account?.payoutsEnabled) {
      // Waiting, not failing: the tutor may finish onboarding days later.
      if (!waitingLogged) {
        waitingLogged = true;
        await event('payout.waiting_for_account', 'payout.waiting_for_account', 'system');
        await notify('payout-account-needed', 'payout-account-needed', [input.tutorId]);
      }
      await drainUntil(Date.now() + timings.payoutRecheckMs, 'Wait for the tutor to enable payouts');
      if (capturedMinor - refundedMinor <= 0) return;
      account = await run('getPayoutAccount', 'Look up the tutor’s payout account again', { tutorId: input.tutorId });
    }
    const amountMinor = tutorPayout({ capturedMinor, refundedMinor, commissionBps: input.commissionBps });
    if (amountMinor <= 0) return;
    const payout = await run('payoutTutor', `Pay the tutor ${amountMinor} ${input.currency}`, { bookingId, chargeId: chargeId!, tutorAccountId: account.accountId, amountMinor, currency: input.currency });
    transferId = payout.transferId;
    paidOutMinor = payout.amountMinor;
    await setPayment('paid_out', { transferId });
    await event('payout.sent', 'payout.sent', 'system', { amountMinor: paidOutMinor, transferId });
    await notify('payout-sent', 'payout-sent', [input.tutorId], { amountMinor: paidOutMinor });
  }

  // ---- the life of a booking -------------------------------------------------------------------

  if (await holdTimeAndAuthorize()) {
    await requestPhase();
    // Read through a function: the phases change `status`, which the compiler cannot see.
    if (currentStatus() === 'SCHEDULED') await scheduledPhase();
    if (currentStatus() === 'ACTIVE') await activePhase();
    await payoutPhase();
    // Admins can still refund through the workflow for a while after the last money movement.
    if (capturedMinor - refundedMinor > 0) await drainUntil(Date.now() + timings.refundWindowMs, 'Stay open for admin refunds', () => capturedMinor - refundedMinor <= 0);
  }
  submissionSettled = true;
  // Anything still queued arrived too late for its phase: refuse it rather than leave it hanging.
  for (const entry of inbox.splice(0)) {
    entry.refusal = { message: `Not possible while the booking is ${status}`, type: REFUSALS.invalidState };
    entry.done = true;
  }
  await condition(allHandlersFinished);
  return snapshot();
}
