/**
 * The command-table rows of a student's dispute (a problem with the lesson, reported within the
 * payout hold) and of the admin's decision on it. Reported, the payout freezes (state.isPayoutFrozen);
 * decided, what the admin gives back is refunded (split over the payments like any refund) and the
 * tutor is paid on the rest after the hold.
 */
import { refundable } from '../../domain/booking-money.js';
import { patched } from '@temporalio/workflow';
import { type DecideDispute, PATCHES, type ProblemReport, decideDisputeUpdate, REFUSALS, reportProblemUpdate } from './definitions.js';
import { refundOwed } from './money.js';
import { type BookingSteps, nowIso } from './steps.js';
import type { CommandRow, RefuseFn } from './commands.js';

export function disputeCommands(refuse: RefuseFn): { reportProblem: CommandRow<'reportProblem'>; decideDispute: CommandRow<'decideDispute'> } {
  return {
    reportProblem: {
      update: reportProblemUpdate,
      allowedIn: ['ENDED'],
      validate: (state, report) => {
        if (report.actorId !== state.input.studentId) refuse(state.partyOf(report.actorId) ? 'Only the student can report a problem with the lesson' : 'This is not your booking', state.partyOf(report.actorId) ? REFUSALS.invalidState : REFUSALS.notAParty);
        if (state.problem) refuse('A problem with this lesson was already reported', REFUSALS.invalidState);
        if (state.paymentStatus === 'paid_out') refuse('The tutor was already paid; contact support', REFUSALS.invalidState);
        if (refundable(state.money) <= 0) refuse('Nothing paid for this lesson remains to dispute', REFUSALS.invalidState);
        if (state.payoutHoldEndsAt !== undefined && Date.now() >= state.payoutHoldEndsAt) refuse('The time to report a problem ended with the payout hold', REFUSALS.invalidState);
      },
      apply: async (steps, command) => {
        const { state } = steps;
        state.disputeOwnsPayout = patched(PATCHES.disputeOwnsPayout);
        state.problem = { reason: command.reason, text: command.text, ...(command.attachmentFileId ? { attachmentFileId: command.attachmentFileId } : {}), at: nowIso() };
        steps.show();
        await steps.event('dispute.opened', 'dispute.opened', 'student', { reason: command.reason, ...(command.attachmentFileId ? { attachmentFileId: command.attachmentFileId } : {}) }, command.actorId);
        await recordDispute(steps, state.problem);
        await steps.notify('dispute-opened', 'dispute-opened', state.bothParties(), { reason: command.reason });
      },
    },

    decideDispute: {
      update: decideDisputeUpdate,
      allowedIn: ['ENDED'],
      validate: (state, decision) => {
        if (!state.problem) refuse('No problem was reported with this lesson', REFUSALS.invalidState);
        if (state.problem.decision) refuse('This dispute was already decided', REFUSALS.invalidState);
        const remaining = refundable(state.money);
        if (!Number.isInteger(decision.refundMinor) || decision.refundMinor < 0 || decision.refundMinor > remaining) {
          refuse(`The refund must be a whole amount between 0 and ${remaining}`, REFUSALS.invalidRequest);
        }
      },
      apply: async (steps, command) => decide(steps, command),
    },
  };
}

async function decide(steps: BookingSteps, command: DecideDispute): Promise<void> {
  const { state } = steps;
  const problem = state.problem!;
  problem.decision = { refundMinor: command.refundMinor, adminId: command.adminId, reason: command.reason, at: nowIso() };
  await steps.event('dispute.decided', 'dispute.decided', 'admin', { refundMinor: command.refundMinor, reason: command.reason }, command.adminId);
  if (command.refundMinor > 0) await refundOwed(steps, command.refundMinor, 'refund-dispute', `Dispute decided: ${command.reason}`, 'admin', command.adminId);
  // The decision settles the payout: the tutor is paid on what remains, if anything does.
  state.payoutResolution = refundable(state.money) > 0 ? 'pay_tutor' : 'refund_student';
  steps.show();
  await recordDispute(steps, problem);
  await steps.notify('dispute-decided', 'dispute-decided', state.bothParties(), { refundMinor: command.refundMinor, reason: command.reason });
}

function recordDispute(steps: BookingSteps, problem: ProblemReport): Promise<void> {
  const { input } = steps;
  return steps.record('recordDispute', problem.decision ? 'Keep the decided dispute with the booking' : 'List the dispute for admins', {
    bookingId: input.bookingId,
    studentId: input.studentId,
    tutorId: input.tutorId,
    ...problem,
  });
}
