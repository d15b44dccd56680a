/**
 * The lesson in the Google Calendar of each party who connected one. Safe to run twice: the event id
 * is derived from the booking id, so a retry or a reschedule updates the one event and removal
 * deletes it (already gone is a success).
 *
 * One party's broken grant (revoked access, a deleted calendar) must not block the other party or
 * the booking: it is logged and skipped. Google outages and rate limits are thrown, so Temporal
 * retries the activity with backoff; the parties already written are simply written again.
 */
import { Context, log } from '@temporalio/activity';
import type { GoogleCalendarLink } from '../../db/models/google-calendar-link.js';
import type { GoogleCalendarLinkRepository } from '../../db/repositories/google-calendar-link-repository.js';
import { calendarEventId, GoogleCalendarError, type GoogleCalendar } from '../../integrations/google-calendar.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { BookingActivities, CalendarSyncInput } from './types.js';

export interface CalendarActivityDependencies {
  links: GoogleCalendarLinkRepository;
  calendar: GoogleCalendar;
  /** Opens the sealed refresh tokens: a SecretBox for SEAL_PURPOSES.googleRefreshToken. */
  tokens: SecretBox;
}

export type CalendarActivities = Pick<BookingActivities, 'syncCalendars' | 'removeCalendarEvents'>;

export function createCalendarActivities(deps: CalendarActivityDependencies): CalendarActivities {
  const { links, calendar, tokens } = deps;

  /** Runs `action` for each linked party; a party whose grant cannot work is skipped, outages are thrown. */
  async function forEachLinkedUser(bookingId: string, userIds: string[], action: (link: GoogleCalendarLink, refreshToken: string) => Promise<string>): Promise<void> {
    const linked = await links.findByUserIds(userIds);
    const skipped = userIds.filter((userId) => !linked.some((link) => link.userId === userId));
    if (skipped.length > 0) log.debug('parties without a connected Google Calendar', { bookingId, userIds: skipped });
    for (const link of linked) {
      let refreshToken: string;
      try {
        refreshToken = tokens.open(link.refreshTokenEncrypted);
      } catch (error) {
        // Sealed under another SECRET_KEY: only the user reconnecting can fix it.
        log.warn('cannot open the stored Google grant; skipping this party', { bookingId, userId: link.userId, error: (error as Error).message });
        continue;
      }
      try {
        const outcome = await action(link, refreshToken);
        log.info(`Google Calendar event ${outcome}`, { bookingId, userId: link.userId });
      } catch (error) {
        if (error instanceof GoogleCalendarError && !error.retryable) {
          log.warn('Google refused the calendar write; skipping this party', { bookingId, userId: link.userId, status: error.status, reason: error.reason, grantLost: error.grantLost });
          continue;
        }
        throw error;
      }
      Context.current().heartbeat();
    }
  }

  return {
    async syncCalendars(input: CalendarSyncInput): Promise<void> {
      const eventId = calendarEventId(input.bookingId);
      const description = input.joinUrl ? `${input.description}\n\nJoin: ${input.joinUrl}` : input.description;
      await forEachLinkedUser(input.bookingId, input.userIds, (link, refreshToken) =>
        calendar.upsertEvent(refreshToken, link.calendarId, {
          id: eventId,
          summary: input.summary,
          description,
          start: input.start,
          end: input.end,
          ...(input.joinUrl ? { location: input.joinUrl } : {}),
          tags: { tutorflowBookingId: input.bookingId },
        }),
      );
    },

    async removeCalendarEvents(input: { bookingId: string; userIds: string[] }): Promise<void> {
      const eventId = calendarEventId(input.bookingId);
      await forEachLinkedUser(input.bookingId, input.userIds, async (link, refreshToken) =>
        (await calendar.deleteEvent(refreshToken, link.calendarId, eventId)) ? 'deleted' : 'already gone',
      );
    },
  };
}
