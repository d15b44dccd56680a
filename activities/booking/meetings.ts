/**
 * The booking's Zoom meeting: created when the lesson is scheduled, moved on reschedule, deleted on
 * cancel. Each activity is safe to run twice:
 * - create: the booking stores the meeting id the first success returned (the workflow then calls
 *   update, not create). A crash between Zoom creating the meeting and the workflow recording it
 *   would make a retry create a second one, so every meeting carries the booking id in its agenda
 *   and create first looks for an upcoming meeting that already carries it;
 * - update: a PATCH of the same fields is the same meeting;
 * - delete: a meeting already gone is a success.
 * Zoom outages and rate limits are thrown as they are, so Temporal retries them with backoff; a
 * request Zoom refuses is a non-retryable failure the workflow can branch on.
 */
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { ZoomError, type ZoomClient, type ZoomMeeting, type ZoomMeetingRequest } from '../../integrations/zoom.js';
import type { BookingActivities, Meeting, MeetingInput } from './types.js';

/** ApplicationFailure types of the meeting activities. */
export const MEETING_FAILURE_TYPES = {
  /** Zoom refused the request (4xx other than a rate limit): retrying the same request cannot help. */
  rejected: 'ZoomRequestRejected',
  /** The meeting to update no longer exists at Zoom (deleted by hand); the workflow may create a new one. */
  notFound: 'ZoomMeetingNotFound',
} as const;

export interface MeetingActivityDependencies {
  zoom: ZoomClient;
}

export type MeetingActivities = Pick<BookingActivities, 'createMeeting' | 'updateMeeting' | 'deleteMeeting'>;

/** The agenda line that ties a Zoom meeting to its booking, found again by a retried create. */
export function bookingMarker(bookingId: string): string {
  return `[tutorflow-booking:${bookingId}]`;
}

export function createMeetingActivities(deps: MeetingActivityDependencies): MeetingActivities {
  const { zoom } = deps;

  return {
    async createMeeting(input: MeetingInput): Promise<Meeting> {
      const request = meetingRequest(input);
      const existing = await failureOf(() => findMeetingOf(zoom, input.bookingId));
      if (existing) {
        // Made by an attempt whose answer was lost; bring it to what this attempt asks for.
        await failureOf(() => zoom.updateMeeting(existing.id, request));
        log.info('reusing the Zoom meeting an earlier attempt created', { bookingId: input.bookingId, meetingId: existing.id });
        return { meetingId: existing.id, joinUrl: existing.joinUrl };
      }
      const created = await failureOf(() => zoom.createMeeting(request));
      log.info('created the Zoom meeting', { bookingId: input.bookingId, meetingId: created.id });
      return { meetingId: created.id, joinUrl: created.joinUrl };
    },

    async updateMeeting(input: MeetingInput & { meetingId: string }): Promise<void> {
      await failureOf(() => zoom.updateMeeting(input.meetingId, meetingRequest(input)), { notFound: MEETING_FAILURE_TYPES.notFound });
      log.info('moved the Zoom meeting', { bookingId: input.bookingId, meetingId: input.meetingId, start: input.start });
    },

    async deleteMeeting(input: { bookingId: string; meetingId: string }): Promise<void> {
      const deleted = await failureOf(() => zoom.deleteMeeting(input.meetingId));
      log.info(deleted ? 'deleted the Zoom meeting' : 'the Zoom meeting was already gone', { bookingId: input.bookingId, meetingId: input.meetingId });
    },
  };
}

/** The upcoming meeting whose agenda carries the booking, if an earlier attempt made one. */
async function findMeetingOf(zoom: ZoomClient, bookingId: string): Promise<ZoomMeeting | undefined> {
  const marker = bookingMarker(bookingId);
  for await (const meeting of zoom.upcomingMeetings()) {
    if (meeting.agenda.includes(marker)) return meeting;
    // A host with many lessons has many pages; tell Temporal this attempt is alive.
    Context.current().heartbeat();
  }
  return undefined;
}

function meetingRequest(input: MeetingInput): ZoomMeetingRequest {
  const startMs = new Date(input.start).getTime();
  const endMs = new Date(input.end).getTime();
  return {
    topic: input.topic,
    startTime: input.start,
    // Zoom counts whole minutes; a lesson is never shorter than one.
    durationMinutes: Math.max(1, Math.round((endMs - startMs) / 60_000)),
    timeZone: input.timeZone,
    agenda: `Tutorflow lesson. ${bookingMarker(input.bookingId)}`,
  };
}

/**
 * Runs a Zoom call, turning a refusal that retrying cannot fix into a non-retryable failure; outages
 * (retryable ZoomErrors) and anything unexpected stay ordinary errors that Temporal retries.
 */
async function failureOf<T>(call: () => Promise<T>, types: { notFound?: string } = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ZoomError) || error.retryable) throw error;
    const type = error.status === 404 && types.notFound ? types.notFound : MEETING_FAILURE_TYPES.rejected;
    throw ApplicationFailure.create({ message: error.message, type, nonRetryable: true, details: [{ status: error.status, code: error.code }], cause: error });
  }
}
