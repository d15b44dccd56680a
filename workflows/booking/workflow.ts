/**
 * The booking workflow: the single writer of one booking's lifecycle. Deterministic code only —
 * time comes from workflow timers, side effects from activities.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { canTransition, type BookingStatus } from '../../domain/booking-status.js';
import type { BookingActivities, TransitionRecord } from '../../activities/booking/types.js';
import {
  acceptUpdate,
  type BookingSnapshot,
  type BookingWorkflowInput,
  declineUpdate,
  getBookingQuery,
  SEARCH_ATTRIBUTES,
  type TutorDecision,
} from './definitions.js';

const activities = proxyActivities<BookingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function bookingWorkflow(input: BookingWorkflowInput): Promise<BookingSnapshot> {
  let status: BookingStatus = 'REQUESTED';
  const snapshot = (): BookingSnapshot => ({
    bookingId: input.bookingId,
    status,
    sessionStart: input.sessionStart,
    sessionEnd: input.sessionEnd,
    requestExpiresAt: input.requestExpiresAt,
  });

  // An update can arrive in the same activation as the start; the event log must still begin with REQUESTED.
  let requestRecorded = false;

  async function moveTo(to: BookingStatus, actor: TransitionRecord['actor'], actorId?: string, reason?: string): Promise<void> {
    await condition(() => requestRecorded);
    if (!canTransition(status, to)) {
      throw ApplicationFailure.nonRetryable(`A ${status} booking cannot become ${to}`, 'InvalidTransition');
    }
    const from = status;
    status = to;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.bookingStatus, value: to }]);
    await activities.recordTransition({
      bookingId: input.bookingId,
      from,
      to,
      at: new Date().toISOString(), // workflow time: deterministic on replay
      actor,
      ...(actorId ? { actorId } : {}),
      ...(reason ? { reason } : {}),
    });
  }

  const requireTutorWhileRequested = (decision: TutorDecision) => {
    if (decision.tutorId !== input.tutorId) {
      throw ApplicationFailure.nonRetryable('Only the booking’s tutor can answer its request', 'NotTheTutor');
    }
    if (status !== 'REQUESTED') {
      throw ApplicationFailure.nonRetryable(`The request was already answered: the booking is ${status}`, 'InvalidTransition');
    }
  };

  setHandler(getBookingQuery, snapshot);
  setHandler(
    acceptUpdate,
    async (decision) => {
      await moveTo('SCHEDULED', 'tutor', decision.tutorId, decision.reason);
      return snapshot();
    },
    { validator: requireTutorWhileRequested },
  );
  setHandler(
    declineUpdate,
    async (decision) => {
      await moveTo('DECLINED', 'tutor', decision.tutorId, decision.reason);
      return snapshot();
    },
    { validator: requireTutorWhileRequested },
  );

  await activities.recordTransition({
    bookingId: input.bookingId,
    from: null,
    to: 'REQUESTED',
    at: new Date(workflowInfo().startTime).toISOString(),
    actor: 'student',
    actorId: input.studentId,
  });
  requestRecorded = true;

  const waitMs = Math.max(0, Date.parse(input.requestExpiresAt) - Date.now());
  const answered = await condition(() => status !== 'REQUESTED', waitMs);
  if (!answered) await moveTo('EXPIRED', 'system', undefined, 'The tutor did not answer in time');

  // An accept or decline that is still recording its transition must finish before the workflow does.
  await condition(allHandlersFinished);
  return snapshot();
}
