/**
 * The transitions that more than one command or phase takes: scheduling an accepted request (capture
 * first), closing a booking before its lesson, cancelling a scheduled one, creating the lesson's
 * meeting. Each is a fixed order of steps: changing that order needs `patched()` (README).
 */
import type { Actor } from '../../activities/booking/types.js';
import { cancellationRefund } from '../../domain/booking-money.js';
import { attempt } from './effects.js';
import { capture, refundOwed, release } from './money.js';
import type { BookingSteps } from './steps.js';

/** Closing a request (declined, expired, cancelled, or the student never finished paying): the hold goes first. */
export async function closeBeforeLesson(steps: BookingSteps, to: 'DECLINED' | 'EXPIRED' | 'CANCELLED', actor: Actor, actorId: string | undefined, reason: string): Promise<void> {
  const status = to.toLowerCase();
  const notice = { step: status, template: `booking-${status}`, recipients: steps.state.bothParties(), params: { reason } };
  await release(steps, reason);
  await steps.close(to, { actor, actorId, reason }, notice);
}

/** Accepting (or an instant booking): capture at once, then the lesson's meeting, calendars and emails. */
export async function schedule(steps: BookingSteps, actor: 'tutor' | 'system', actorId?: string): Promise<void> {
  const { state, input } = steps;
  if (!(await capture(steps))) {
    // Nothing was captured: let go of the hold, end the booking, and tell an admin why.
    const reason = 'The payment could not be captured';
    await release(steps, 'capture refused');
    await steps.close('CANCELLED', { actor: 'system', reason }, { step: 'capture-failed', template: 'booking-cancelled', recipients: state.bothParties(), params: { reason } });
    await steps.raiseAttention({ id: 'capture', reason: 'capture_failed', message: state.paymentFailure ?? reason, retryable: false, amountMinor: input.priceMinor });
    return;
  }
  await steps.moveTo('SCHEDULED', actor, actorId, input.instant ? 'Instant booking' : undefined);
  // An instant booking answers its student now; the meeting, calendars and emails follow.
  state.submissionSettled = true;
  await createMeeting(steps);
  await attempt('syncCalendars', 'Put the lesson in connected Google calendars', lessonCalendarEntry(steps));
  await steps.notify('scheduled', 'booking-scheduled', state.bothParties(), { joinUrl: state.meeting?.joinUrl ?? '' });
  steps.show();
}

/**
 * The lesson's Zoom meeting. Best effort: when Zoom refuses, the lesson goes on without a link for
 * now (a timeline event says so) and the next reminder tries again.
 */
export async function createMeeting(steps: BookingSteps, attemptKey = 'meeting'): Promise<void> {
  const { state, input } = steps;
  const created = await attempt('createMeeting', 'Create the Zoom meeting', { bookingId: input.bookingId, topic: 'Tutorflow lesson', start: state.sessionStart, end: state.sessionEnd, timeZone: input.timeZone });
  if (!created.ok) {
    await steps.event('meeting.failed', `${attemptKey}.failed`, 'system', { message: created.message });
    return;
  }
  state.meeting = created.value;
  await steps.record('recordMeeting', 'Keep the meeting link with the booking', { bookingId: input.bookingId, meetingId: state.meeting.meetingId, joinUrl: state.meeting.joinUrl });
  await steps.event('meeting.created', attemptKey === 'meeting' ? 'meeting.created' : `${attemptKey}.created`, 'system', { meetingId: state.meeting.meetingId });
}

export function lessonCalendarEntry(steps: BookingSteps) {
  const { state, input } = steps;
  return {
    bookingId: input.bookingId,
    userIds: state.bothParties(),
    summary: 'Tutorflow lesson',
    description: `Booking ${input.bookingId}`,
    start: state.sessionStart,
    end: state.sessionEnd,
    ...(state.meeting ? { joinUrl: state.meeting.joinUrl } : {}),
  };
}

/** A scheduled lesson cancelled: the refund by policy on what remains, then meeting, calendars, emails. */
export async function cancelScheduled(
  steps: BookingSteps,
  by: { actor: 'student' | 'tutor' | 'admin'; actorId: string; reason: string; refundAmountMinor?: number | undefined },
): Promise<void> {
  const { state, input } = steps;
  const refundMinor = cancellationRefund(state.money, {
    policy: input.cancellationPolicy,
    cancelledBy: by.actor,
    cancelledAt: new Date(),
    sessionStart: new Date(state.sessionStart),
    ...(by.refundAmountMinor !== undefined ? { adminAmountMinor: by.refundAmountMinor } : {}),
  });
  await steps.close(
    'CANCELLED',
    by,
    { step: 'cancelled', template: 'booking-cancelled', recipients: state.bothParties(), params: { reason: by.reason, refundMinor, cancelledBy: by.actor } },
    async () => {
      await refundOwed(steps, refundMinor, 'refund-cancel', `Cancelled by the ${by.actor}: ${by.reason}`, by.actor, by.actorId);
      if (state.meeting) {
        const deleted = await attempt('deleteMeeting', 'Delete the Zoom meeting', { bookingId: input.bookingId, meetingId: state.meeting.meetingId });
        if (!deleted.ok) await steps.event('meeting.delete_failed', 'meeting.delete_failed', 'system', { message: deleted.message });
      }
      await attempt('removeCalendarEvents', 'Remove the lesson from Google calendars', { bookingId: input.bookingId, userIds: state.bothParties() });
    },
  );
}
