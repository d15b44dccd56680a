/**
 * The command table: for each update a person can send, the states it is allowed in, its validation
 * and its effect. The same row feeds the update's validator (a wrong party, state or amount is
 * refused before it enters history) and the dispatch (checked again when the command's turn comes,
 * since the booking may have moved on meanwhile). Legality is written once, here.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import type { BookingStatus } from '../../domain/booking-status.js';
import { refundable } from '../../domain/booking-money.js';
import {
  acceptUpdate,
  type AdminRefund,
  adminRefundUpdate,
  type AdminResolvePayout,
  adminResolvePayoutUpdate,
  type AnswerReschedule,
  answerRescheduleUpdate,
  type BookingSnapshot,
  type CancelRequest,
  cancelUpdate,
  type ContestNoShow,
  contestNoShowUpdate,
  type DecideDispute,
  declineUpdate,
  type NoShowReport,
  PATCHES,
  type ProposeReschedule,
  proposeRescheduleUpdate,
  type RescheduleProposal,
  REFUSALS,
  reportNoShowUpdate,
  type ReportNoShow,
  type ReportProblem,
  type ResolveAttention,
  resolveAttentionUpdate,
  type TutorAnswer,
} from './definitions.js';
import { attempt, call } from './effects.js';
import { refund, refundOwed } from './money.js';
import { disputeCommands } from './dispute-commands.js';
import { authorizeDifference, captureDifference, type DifferenceHold, releaseDifference } from './reprice.js';
import type { BookingState, Queued } from './state.js';
import { type BookingSteps, nowIso, refusalOfState } from './steps.js';
import { cancelScheduled, closeBeforeLesson, lessonCalendarEntry, schedule } from './transitions.js';

export type Command =
  | ({ kind: 'accept' } & TutorAnswer)
  | ({ kind: 'decline' } & TutorAnswer)
  | ({ kind: 'cancel' } & CancelRequest)
  | ({ kind: 'proposeReschedule' } & ProposeReschedule)
  | ({ kind: 'answerReschedule' } & AnswerReschedule)
  | ({ kind: 'reportNoShow' } & ReportNoShow)
  | ({ kind: 'contestNoShow' } & ContestNoShow)
  | ({ kind: 'adminRefund' } & AdminRefund)
  | ({ kind: 'adminResolvePayout' } & AdminResolvePayout)
  | ({ kind: 'resolveAttention' } & ResolveAttention)
  | ({ kind: 'reportProblem' } & ReportProblem)
  | ({ kind: 'decideDispute' } & DecideDispute);

type Kind = Command['kind'];
type CommandOf<K extends Kind> = Extract<Command, { kind: K }>;

export interface CommandRow<K extends Kind> {
  update: UpdateDefinition<BookingSnapshot, [Omit<CommandOf<K>, 'kind'>]>;
  /** The statuses in which the command may be applied. */
  allowedIn: readonly BookingStatus[];
  /** Throws a refusal (see refuse) when the command is not acceptable in the current state. */
  validate(state: BookingState, command: CommandOf<K>): void;
  /** Applies the command; may set entry.refusal when the outside world refused it. */
  apply(steps: BookingSteps, command: CommandOf<K>, entry: Queued): Promise<void>;
}

class Refusal extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

function refuse(message: string, type: string): never {
  throw new Refusal(message, type);
}

export type RefuseFn = typeof refuse;

const ALL_STATUSES: readonly BookingStatus[] = ['PENDING_PAYMENT', 'REQUESTED', 'SCHEDULED', 'ACTIVE', 'ENDED', 'DECLINED', 'EXPIRED', 'CANCELLED', 'PAYMENT_FAILED'];

const requireParty = (state: BookingState, actorId: string) => state.partyOf(actorId) ?? refuse('This is not your booking', REFUSALS.notAParty);
const requireTutor = (state: BookingState, tutorId: string) => {
  if (tutorId !== state.input.tutorId) refuse('Only the booking’s tutor can answer its request', REFUSALS.notAParty);
};

export const COMMANDS: { [K in Kind]: CommandRow<K> } = {
  accept: {
    update: acceptUpdate,
    allowedIn: ['REQUESTED'],
    validate: (state, { tutorId }) => requireTutor(state, tutorId),
    apply: (steps, { tutorId }) => schedule(steps, 'tutor', tutorId),
  },

  decline: {
    update: declineUpdate,
    allowedIn: ['REQUESTED'],
    validate: (state, { tutorId }) => requireTutor(state, tutorId),
    apply: (steps, { tutorId, reason }) => closeBeforeLesson(steps, 'DECLINED', 'tutor', tutorId, reason ?? 'The tutor declined'),
  },

  cancel: {
    update: cancelUpdate,
    allowedIn: ['PENDING_PAYMENT', 'REQUESTED', 'SCHEDULED'],
    validate: (state, request) => {
      if (request.actor !== 'admin') requireParty(state, request.actorId);
      if (request.refundAmountMinor === undefined) return;
      if (request.actor !== 'admin') refuse('Only admins choose a refund amount', REFUSALS.invalidRequest);
      const remaining = refundable(state.money);
      if (!Number.isInteger(request.refundAmountMinor) || request.refundAmountMinor < 0 || request.refundAmountMinor > remaining) {
        refuse(`The refund must be a whole amount between 0 and ${remaining}`, REFUSALS.invalidRequest);
      }
    },
    apply: async (steps, command) => {
      if (steps.state.status === 'SCHEDULED') return cancelScheduled(steps, command);
      // A tutor who cancels a request they have not answered is declining it.
      const to = steps.state.status === 'REQUESTED' && command.actor === 'tutor' ? 'DECLINED' : 'CANCELLED';
      await closeBeforeLesson(steps, to, command.actor, command.actorId, command.reason);
    },
  },

  proposeReschedule: {
    update: proposeRescheduleUpdate,
    allowedIn: ['SCHEDULED'],
    validate: (state, proposal) => {
      const party = requireParty(state, proposal.actorId);
      const start = Date.parse(proposal.sessionStart);
      const end = Date.parse(proposal.sessionEnd);
      if (!(end > start)) refuse('The new end must come after the new start', REFUSALS.invalidRequest);
      if (start <= Date.now()) refuse('The new time must be in the future', REFUSALS.invalidRequest);
      const max = state.timing('maxReschedules');
      if (state.reschedules >= max) refuse(`This booking was already rescheduled ${state.reschedules} times, the most allowed (${max})`, REFUSALS.invalidRequest);
      const untilStart = Date.parse(state.sessionStart) - Date.now();
      const cutoff = state.timing('studentRescheduleCutoffMs');
      if (party === 'student' && untilStart < cutoff) refuse(`A student cannot reschedule within ${Math.round(cutoff / 3_600_000)} h of the start`, REFUSALS.invalidRequest);
      if (proposal.noticeMinutes !== undefined && untilStart <= proposal.noticeMinutes * 60_000) refuse('Too late to reschedule: the lesson starts within the tutor’s minimum notice', REFUSALS.invalidRequest);
      // A longer lesson is allowed (reprice-longer): its difference is charged when the proposal is accepted.
    },
    apply: async (steps, command) => {
      const { state } = steps;
      const party = state.partyOf(command.actorId)!;
      state.pendingReschedule = { proposedBy: party, sessionStart: command.sessionStart, sessionEnd: command.sessionEnd };
      if (patched(PATCHES.rescheduleRules)) Object.assign(state.pendingReschedule, proposalTerms(state, party, command));
      await steps.event('reschedule.proposed', `reschedule.proposed-${command.sessionStart}`, party, { ...state.pendingReschedule }, command.actorId);
      const other = party === 'student' ? 'tutor' : 'student';
      const { expiresAt, priceMinor } = state.pendingReschedule;
      await steps.notify(`reschedule-proposed-${command.sessionStart}`, 'reschedule-proposed', [state.userOf(other)], {
        newStart: command.sessionStart,
        newEnd: command.sessionEnd,
        ...(expiresAt ? { expiresAt } : {}),
        ...(priceMinor !== undefined ? { newPriceMinor: priceMinor } : {}),
      });
      steps.show();
    },
  },

  answerReschedule: {
    update: answerRescheduleUpdate,
    allowedIn: ['SCHEDULED'],
    validate: (state, answer) => {
      const party = requireParty(state, answer.actorId);
      if (!state.pendingReschedule) refuse('No new time has been proposed', REFUSALS.invalidState);
      if (state.pendingReschedule.proposedBy === party) refuse('The other party must answer your proposal', REFUSALS.invalidState);
      const { expiresAt } = state.pendingReschedule;
      if (expiresAt !== undefined && Date.now() >= Date.parse(expiresAt)) refuse('The proposed time has expired', REFUSALS.invalidState);
    },
    apply: (steps, command, entry) => answerReschedule(steps, command, entry),
  },

  reportNoShow: {
    update: reportNoShowUpdate,
    allowedIn: ['ACTIVE', 'ENDED'],
    validate: (state, report) => {
      const party = requireParty(state, report.actorId);
      if (state.paymentStatus === 'paid_out') refuse('The tutor was already paid; contact support', REFUSALS.invalidState);
      if (state.noShowReports.some((existing) => existing.reportedBy === party)) refuse('You already reported this lesson', REFUSALS.invalidState);
      const opensAt = Date.parse(state.sessionStart) + state.timing('noShowGraceMs');
      if (Date.now() < opensAt) refuse(`A no-show can be reported from ${new Date(opensAt).toISOString()} (the start plus a grace period)`, REFUSALS.invalidState);
      if (state.payoutHoldEndsAt !== undefined && Date.now() >= state.payoutHoldEndsAt) refuse('The time to report a no-show ended with the payout hold', REFUSALS.invalidState);
    },
    apply: async (steps, command) => {
      const { state } = steps;
      state.noShowByParty ??= patched(PATCHES.noShowByParty);
      const party = state.partyOf(command.actorId)!;
      const report: NoShowReport = { reportedBy: party, absent: party === 'student' ? 'tutor' : 'student', at: nowIso(), ...(command.note ? { note: command.note } : {}) };
      // By party: an absent tutor has a window to contest, then the student is refunded in full.
      if (state.noShowByParty && party === 'student') report.refundAt = new Date(Date.now() + state.timing('noShowContestMs')).toISOString();
      state.noShowReports.push(report);
      await steps.event('no_show.reported', `no-show-${party}`, party, { ...report }, command.actorId);
      await steps.notify(`no-show-${party}`, 'no-show-reported', state.bothParties(), { reportedBy: party, ...(state.noShowByParty ? { next: nextAfterReport(report) } : {}) });
      steps.show();
    },
  },

  contestNoShow: {
    update: contestNoShowUpdate,
    allowedIn: ['ACTIVE', 'ENDED'],
    validate: (state, { actorId }) => {
      const party = requireParty(state, actorId);
      const report = state.noShowReports.find((existing) => existing.absent === party) ?? refuse('Nobody reported you absent', REFUSALS.invalidState);
      if (!state.noShowByParty) refuse('This report already waits for an admin', REFUSALS.invalidState);
      if (report.contestedAt !== undefined) refuse('You already contested this report', REFUSALS.invalidState);
      if (state.payoutResolution !== undefined || state.paymentStatus === 'paid_out') refuse('The payout was already decided', REFUSALS.invalidState);
      if (report.refundAt !== undefined && Date.now() >= Date.parse(report.refundAt)) refuse('The time to contest this report is over', REFUSALS.invalidState);
      if (party === 'student' && state.payoutHoldEndsAt !== undefined && Date.now() >= state.payoutHoldEndsAt) refuse('The time to contest this report ended with the payout hold', REFUSALS.invalidState);
    },
    apply: async (steps, command) => {
      const { state } = steps;
      const party = state.partyOf(command.actorId)!;
      const report = state.noShowReports.find((existing) => existing.absent === party)!;
      report.contestedAt = nowIso();
      if (command.note) report.contestNote = command.note;
      await steps.event('no_show.contested', `no-show-contested-${party}`, party, { ...report }, command.actorId);
      await steps.notify(`no-show-contested-${party}`, 'no-show-contested', state.bothParties(), { contestedBy: party });
      steps.show();
    },
  },

  adminRefund: {
    update: adminRefundUpdate,
    allowedIn: ['SCHEDULED', 'ACTIVE', 'ENDED', 'CANCELLED'],
    validate: (state, { amountMinor, requestId }) => {
      const earlier = state.adminRefunds.get(requestId);
      if (earlier !== undefined) {
        if (earlier !== amountMinor) refuse('This Idempotency-Key was already used for a refund of another amount', REFUSALS.idempotencyKeyReused);
        return; // a repeat: answered with the state the first one left
      }
      const remaining = refundable(state.money);
      if (!Number.isInteger(amountMinor) || amountMinor <= 0) refuse('The refund must be a positive whole amount in minor units', REFUSALS.invalidRequest);
      if (amountMinor > remaining) refuse(`At most ${remaining} can be refunded: that is what was captured and not yet refunded`, REFUSALS.invalidRequest);
    },
    apply: async (steps, command, entry) => {
      const { state } = steps;
      if (state.adminRefunds.has(command.requestId)) return;
      state.adminRefunds.set(command.requestId, command.amountMinor);
      const outcome = await refund(steps, command.amountMinor, `refund-admin-${command.requestId}`, command.reason, 'admin', command.adminId);
      if (outcome.kind === 'refused') {
        // The admin is waiting for the answer: tell them, rather than raise attention for their own action.
        state.adminRefunds.delete(command.requestId);
        await steps.event('refund.refused', `refund-admin-${command.requestId}.refused`, 'admin', { amountMinor: outcome.amountMinor, message: outcome.message }, command.adminId);
        entry.refusal = { message: `Stripe refused the refund: ${outcome.message}`, type: REFUSALS.paymentRefused };
      }
    },
  },

  adminResolvePayout: {
    update: adminResolvePayoutUpdate,
    // A late cancellation that kept money has a payout too, and a dispute can freeze it.
    allowedIn: ['ACTIVE', 'ENDED', 'CANCELLED'],
    validate: (state) => {
      // An open dispute is decided with its own route (its refund and its record); a resolution here
      // would leave it open and the payout frozen by it.
      if (state.disputeOwnsPayout && state.problem && !state.problem.decision) {
        refuse('The student’s dispute of this lesson is open: decide it with POST /api/admin/bookings/{id}/dispute/decision, which settles the payout', REFUSALS.invalidState);
      }
      if (!state.isPayoutFrozen()) refuse('The payout is not waiting for a decision', REFUSALS.invalidState);
    },
    apply: async (steps, command) => {
      const { state } = steps;
      state.payoutResolution = command.decision;
      await steps.event('payout.resolved', 'payout.resolved', 'admin', { decision: command.decision, reason: command.reason }, command.adminId);
      // By party, the decision confirms who was absent (a tutor's no-shows are counted for admins).
      const absent = command.decision === 'refund_student' ? 'tutor' : 'student';
      if (state.noShowByParty && state.noShowReports.some((report) => report.absent === absent)) {
        await steps.event('no_show.confirmed', 'no-show-confirmed', 'admin', { absent, how: 'admin' }, command.adminId);
      }
      if (command.decision === 'refund_student') await refundOwed(steps, refundable(state.money), 'refund-resolution', command.reason, 'admin', command.adminId);
      steps.show();
    },
  },

  resolveAttention: {
    update: resolveAttentionUpdate,
    allowedIn: ALL_STATUSES,
    validate: (state, { itemId, action }) => {
      const item = itemId === undefined ? state.attention[0] : state.attention.find((open) => open.id === itemId);
      if (!item) refuse(itemId === undefined ? 'Nothing about this booking waits for an admin' : `No open attention item ${itemId}`, REFUSALS.invalidState);
      if (action === 'retry' && !item.retryable) refuse(`${item.id} cannot be run again (${item.reason}); close it instead`, REFUSALS.invalidRequest);
      // Closing a refused release would leave the card held with nobody to let it go. Released by
      // hand in Stripe's dashboard (or lapsed), the hold is gone, and a retry then sees it so.
      if (action === 'close' && item.reason === 'release_failed') {
        refuse('A card hold is not closed by hand: release it (or let it lapse) in Stripe, then retry', REFUSALS.invalidRequest);
      }
    },
    apply: async (steps, command, entry) => {
      const itemId = command.itemId ?? steps.state.attention[0]!.id;
      const settled = await steps.settleAttention(itemId, command.action, command.adminId, command.reason);
      if (!settled) entry.refusal = { message: `Stripe refused ${itemId} again: ${steps.state.attention.find((open) => open.id === itemId)?.message ?? ''}`, type: REFUSALS.paymentRefused };
    },
  },

  ...disputeCommands(refuse),
};

/** What happens next after a report, by party, in words for both parties' email. */
function nextAfterReport(report: NoShowReport): string {
  return report.refundAt
    ? `The tutor can contest it until ${report.refundAt}; otherwise the student is refunded in full.`
    : 'The tutor is paid as for a held lesson unless the student contests it before the payout hold ends.';
}

async function answerReschedule(steps: BookingSteps, command: CommandOf<'answerReschedule'>, entry: Queued): Promise<void> {
  const { state, input } = steps;
  const party = state.partyOf(command.actorId)!;
  const proposal = state.pendingReschedule!;
  state.pendingReschedule = undefined;
  if (!command.accept) {
    await steps.event('reschedule.declined', `reschedule.declined-${proposal.sessionStart}`, party, {}, command.actorId);
    await steps.notify(`reschedule-declined-${proposal.sessionStart}`, 'reschedule-declined', [state.userOf(proposal.proposedBy)]);
    steps.show();
    // A tutor who asks to move a lesson this late and is turned down has cancelled it (full refund).
    if (proposal.late) await cancelScheduled(steps, { actor: 'tutor', actorId: input.tutorId, reason: 'The student declined the tutor’s late reschedule' });
    return;
  }
  // A longer lesson: its difference is held before anything moves (reprice.ts).
  const longer = proposal.priceMinor !== undefined && proposal.priceMinor > state.priceMinor && patched(PATCHES.repriceLonger);
  let hold: DifferenceHold | undefined;
  if (longer) {
    const held = await authorizeDifference(steps, proposal.priceMinor! - state.priceMinor);
    if (!held.ok) return refuseUnpaidReschedule(steps, proposal, held.message, entry);
    hold = held.hold;
  }
  const previous = { sessionStart: state.sessionStart, sessionEnd: state.sessionEnd, priceMinor: state.priceMinor };
  const moved = await call('recordReschedule', 'Move the booking to the agreed time', {
    bookingId: input.bookingId,
    sessionStart: proposal.sessionStart,
    sessionEnd: proposal.sessionEnd,
    ...(proposal.priceMinor !== undefined ? { priceMinor: proposal.priceMinor } : {}),
  });
  if (moved !== 'moved') {
    if (hold) await releaseDifference(steps, hold, 'the new time was taken');
    const message = moved === 'slot_taken' ? 'The tutor is no longer free at that time' : 'The student already has another lesson at that time';
    entry.refusal = { message, type: REFUSALS.slotTaken };
    steps.show();
    return;
  }
  if (hold && !(await captureDifference(steps, hold))) {
    await releaseDifference(steps, hold, 'the capture was refused');
    await moveBack(steps, previous);
    return refuseUnpaidReschedule(steps, proposal, 'Stripe refused to capture the extra payment', entry);
  }
  state.sessionStart = proposal.sessionStart;
  state.sessionEnd = proposal.sessionEnd;
  if (hold) state.priceMinor = proposal.priceMinor!;
  steps.show();
  await steps.event('rescheduled', `rescheduled-${state.sessionStart}`, party, { from: previous, to: { sessionStart: state.sessionStart, sessionEnd: state.sessionEnd } }, command.actorId);
  if (state.meeting) {
    const updated = await attempt('updateMeeting', 'Move the Zoom meeting', { bookingId: input.bookingId, meetingId: state.meeting.meetingId, topic: 'Tutorflow lesson', start: state.sessionStart, end: state.sessionEnd, timeZone: input.timeZone });
    if (!updated.ok) await steps.event('meeting.update_failed', `meeting.update_failed-${state.sessionStart}`, 'system', { message: updated.message });
  }
  await attempt('syncCalendars', 'Move the lesson in Google calendars', lessonCalendarEntry(steps));
  await steps.publishAvailability('Tell watchers the tutor’s booked time moved');
  await steps.notify(`rescheduled-${state.sessionStart}`, 'booking-rescheduled', state.bothParties(), { previousStart: previous.sessionStart });
  state.reschedules += 1;
  // A shorter lesson costs less: the difference goes back to the student, bounded by what remains.
  if (proposal.priceMinor !== undefined && proposal.priceMinor < state.priceMinor) {
    const difference = state.priceMinor - proposal.priceMinor;
    state.priceMinor = proposal.priceMinor;
    await refundOwed(steps, difference, `refund-reschedule-${state.reschedules}`, 'The lesson was shortened', party, command.actorId);
  }
}

/** The longer lesson's difference could not be paid: the proposal is refused, the booking stays as it was. */
async function refuseUnpaidReschedule(steps: BookingSteps, proposal: RescheduleProposal, message: string, entry: Queued): Promise<void> {
  const { state } = steps;
  const differenceMinor = proposal.priceMinor! - state.priceMinor;
  await steps.event('reschedule.payment_failed', `reschedule.payment_failed-${state.repriceAttempts}`, 'system', { ...proposal, differenceMinor, message });
  await steps.notify(`reschedule-payment-failed-${state.repriceAttempts}`, 'reschedule-payment-failed', state.bothParties(), { differenceMinor, message });
  entry.refusal = { message: `The longer lesson’s extra ${differenceMinor} could not be paid (${message}); the lesson stays as it was`, type: REFUSALS.paymentRefused };
  steps.show();
}

/** Undoes a move whose difference could not be captured; the old time taken meanwhile needs an admin. */
async function moveBack(steps: BookingSteps, previous: { sessionStart: string; sessionEnd: string; priceMinor: number }): Promise<void> {
  const { input, state } = steps;
  const back = await call('recordReschedule', 'Move the booking back to its time', { bookingId: input.bookingId, ...previous });
  if (back === 'moved') return;
  await steps.raiseAttention({
    id: `${state.repriceAttempts}-move-back`,
    reason: 'read_model_failed',
    message: `The booking could not move back to ${previous.sessionStart} (${back}) after the longer lesson’s payment was refused: its row shows the new time`,
    retryable: false,
  });
}

/**
 * The terms of a proposal under the reschedule rules: when it lapses (BOOKING_RESCHEDULE_PROPOSAL_TTL,
 * never after the current start minus the tutor's notice), its price (pro rata of the booking's
 * price by length), and whether a tutor proposes it late.
 */
function proposalTerms(state: BookingState, party: 'student' | 'tutor', command: ProposeReschedule): Partial<RescheduleProposal> {
  const start = Date.parse(state.sessionStart);
  const expiresAt = Math.min(Date.now() + state.timing('rescheduleProposalTtlMs'), start - (command.noticeMinutes ?? 0) * 60_000);
  const length = Date.parse(command.sessionEnd) - Date.parse(command.sessionStart);
  const currentLength = Date.parse(state.sessionEnd) - start;
  const priceMinor = Math.round((state.priceMinor * length) / currentLength);
  const late = party === 'tutor' && start - Date.now() < state.timing('studentRescheduleCutoffMs');
  return { expiresAt: new Date(expiresAt).toISOString(), priceMinor, ...(late ? { late } : {}) };
}

/** Nobody answered the proposal in time: it lapses, the lesson stays where it was. */
export async function expireProposal(steps: BookingSteps): Promise<void> {
  const { state } = steps;
  const proposal = state.pendingReschedule!;
  state.pendingReschedule = undefined;
  await steps.event('reschedule.expired', `reschedule.expired-${proposal.sessionStart}`, 'system', { ...proposal });
  await steps.notify(`reschedule-expired-${proposal.sessionStart}`, 'reschedule-expired', state.bothParties(), { newStart: proposal.sessionStart });
  steps.show();
}

/**
 * Registers every row's update: validated at once, then queued for the phase that applies it; the
 * update answers once its command is done (or refused).
 */
export function registerCommands(state: BookingState): void {
  for (const kind of Object.keys(COMMANDS) as Kind[]) {
    const row = COMMANDS[kind] as unknown as CommandRow<Kind>;
    setHandler(
      row.update,
      async (arg) => {
        const entry: Queued = { command: { kind, ...arg } as Command, done: false };
        state.inbox.push(entry);
        await condition(() => entry.done);
        if (entry.refusal) throw ApplicationFailure.nonRetryable(entry.refusal.message, entry.refusal.type);
        return state.snapshot();
      },
      { validator: (arg) => toFailure(() => check(state, { kind, ...arg } as Command)) },
    );
  }
}

/** The legality of a command now: the row's statuses, then its validation. */
function check(state: BookingState, command: Command): void {
  const row = COMMANDS[command.kind] as unknown as CommandRow<Kind>;
  if (!row.allowedIn.includes(state.status)) {
    const { message, type } = refusalOfState(state.status);
    refuse(message, type);
  }
  row.validate(state, command);
}

function toFailure(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    if (error instanceof Refusal) throw ApplicationFailure.nonRetryable(error.message, error.type);
    throw error;
  }
}

/** Applies the next queued command, if it is still legal; otherwise answers it with the refusal. */
export async function dispatch(steps: BookingSteps, entry: Queued): Promise<void> {
  try {
    check(steps.state, entry.command);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    entry.refusal = { message: error.message, type: error.type };
    entry.done = true;
    return;
  }
  const row = COMMANDS[entry.command.kind] as unknown as CommandRow<Kind>;
  await row.apply(steps, entry.command, entry);
  entry.done = true;
}
