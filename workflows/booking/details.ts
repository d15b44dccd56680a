/**
 * The booking's "current details" for the Temporal UI, in plain words (Temporal markdown), so ops
 * read where a booking stands without decoding its history.
 */
import type { BookingSnapshot, BookingWorkflowInput } from './definitions.js';
import { formatMoney } from '../../domain/money.js';


export function describeState(state: BookingSnapshot, input: BookingWorkflowInput): string {
  const lines = [
    `**${state.status}** · payment ${state.paymentStatus}`,
    `Lesson ${state.sessionStart} → ${state.sessionEnd} (${input.timeZone})`,
    `Student ${input.studentId} · tutor ${input.tutorId}`,
    `Price ${formatMoney(input.priceMinor, input.currency)} · captured ${formatMoney(state.capturedMinor, input.currency)} · refunded ${formatMoney(state.refundedMinor, input.currency)} · paid out ${formatMoney(state.paidOutMinor, input.currency)}`,
  ];
  if (state.status === 'REQUESTED') lines.push(`Waiting for the tutor until ${state.requestExpiresAt}`);
  if (state.pendingReschedule) lines.push(`The ${state.pendingReschedule.proposedBy} proposed ${state.pendingReschedule.sessionStart}; waiting for the other party`);
  if (state.payoutFrozen) lines.push('**Payout frozen**: a dispute or no-show report waits for an admin (adminResolvePayout)');
  if (state.paymentFailure) lines.push(`Payment problem: ${state.paymentFailure}`);
  return lines.join('\n\n');
}

/** The fixed summary shown in the workflow list: who, when, how much. */
export function staticSummary(input: Pick<BookingWorkflowInput, 'sessionStart' | 'priceMinor' | 'currency' | 'instant'>, names: { student: string; tutor: string }): string {
  return `Lesson ${names.student} with ${names.tutor} at ${input.sessionStart}, ${formatMoney(input.priceMinor, input.currency)}${input.instant ? ' (instant booking)' : ''}`;
}
