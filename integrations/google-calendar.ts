/**
 * A thin typed client of Google Calendar v3 (the `googleapis` SDK) acting for one user at a time,
 * through the refresh token that user granted. Events are written under ids the caller chooses, so
 * writing the same event twice updates it instead of duplicating it.
 *
 * GOOGLE_API_BASE empty means Google itself; development and tests point it at the local fake,
 * which serves the Calendar API under `<base>/calendar/v3` and the OAuth endpoints where
 * googleEndpoints (integrations/google.ts, shared with sign-in) says.
 * Only the calendar module of googleapis is loaded: the whole package costs half a second at start.
 */
import { auth as googleAuth, calendar, type calendar_v3 } from 'googleapis/build/src/apis/calendar/index.js';
import type { Config } from '../domain/config.js';
import { googleOAuthClient } from './google.js';

export interface CalendarEvent {
  /** base32hex (0-9, a-v), 5 to 1024 characters; see calendarEventId. */
  id: string;
  summary: string;
  description: string;
  /** ISO instants. */
  start: string;
  end: string;
  location?: string;
  /** Private properties that tie the event to our records. */
  tags?: Record<string, string>;
}

/** What Google answered when it refused a call. `retryable` is true for outages and rate limits. */
export class GoogleCalendarError extends Error {
  override name = 'GoogleCalendarError';

  constructor(
    message: string,
    readonly status: number | null,
    /** Google's reason, e.g. rateLimitExceeded, or invalid_grant when the user revoked access. */
    readonly reason: string | null,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The user's grant is gone (revoked, expired, or their calendar removed): acting for them cannot succeed. */
  get grantLost(): boolean {
    return this.reason === 'invalid_grant' || this.status === 401;
  }
}

export interface GoogleCalendarOptions {
  clientId: string;
  clientSecret: string;
  /** Empty: Google itself. */
  apiBase: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** 403s that mean "slow down", not "you may not". */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

/** A Calendar event id derived from a booking id: uuid hex digits are valid base32hex. */
export function calendarEventId(bookingId: string): string {
  return `tf${bookingId.replace(/-/g, '').toLowerCase()}`;
}

export class GoogleCalendar {
  private readonly timeoutMs: number;
  /**
   * Per-call options: a rootUrl with a path (the fake's /google) only survives as a per-method
   * option; given to the API object, googleapis resolves its absolute paths against the origin.
   */
  private readonly callOptions: { rootUrl?: string };

  constructor(private readonly options: GoogleCalendarOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const base = options.apiBase.replace(/\/+$/, '');
    this.callOptions = base ? { rootUrl: `${base}/` } : {};
  }

  /** Inserts the event, or updates it when its id already exists (a retry, or a reschedule). */
  async upsertEvent(refreshToken: string, calendarId: string, event: CalendarEvent): Promise<'inserted' | 'updated'> {
    const api = this.api(refreshToken);
    const body = eventBody(event);
    try {
      await api.events.insert({ calendarId, requestBody: body, sendUpdates: 'none' }, this.callOptions);
      return 'inserted';
    } catch (error) {
      // 409: the id exists, perhaps as a deleted ("cancelled") event, which an update brings back.
      if (statusOf(error) !== 409) throw toCalendarError(error, 'insert');
    }
    try {
      await api.events.update({ calendarId, eventId: event.id, requestBody: body, sendUpdates: 'none' }, this.callOptions);
      return 'updated';
    } catch (error) {
      throw toCalendarError(error, 'update');
    }
  }

  /** Returns false when the event was already gone (404, or 410 for one deleted before). */
  async deleteEvent(refreshToken: string, calendarId: string, eventId: string): Promise<boolean> {
    try {
      await this.api(refreshToken).events.delete({ calendarId, eventId, sendUpdates: 'none' }, this.callOptions);
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || status === 410) return false;
      throw toCalendarError(error, 'delete');
    }
  }

  private api(refreshToken: string): calendar_v3.Calendar {
    const client = googleOAuthClient(googleAuth, this.options);
    client.setCredentials({ refresh_token: refreshToken });
    // Temporal retries the activity with backoff; retries inside the SDK would only hide outages.
    return calendar({ version: 'v3', auth: client, retry: false, timeout: this.timeoutMs });
  }
}

export function createGoogleCalendar(google: Config['google']): GoogleCalendar {
  return new GoogleCalendar(google);
}

function eventBody(event: CalendarEvent): calendar_v3.Schema$Event {
  return {
    id: event.id,
    summary: event.summary,
    description: event.description,
    start: { dateTime: event.start },
    end: { dateTime: event.end },
    status: 'confirmed',
    ...(event.location ? { location: event.location } : {}),
    ...(event.tags ? { extendedProperties: { private: event.tags } } : {}),
  };
}

interface GaxiosLikeError {
  status?: number;
  code?: string | number;
  response?: { status?: number; data?: unknown };
  message?: string;
}

function statusOf(error: unknown): number | null {
  const e = error as GaxiosLikeError;
  return e?.response?.status ?? e?.status ?? null;
}

function reasonOf(error: unknown): string | null {
  const data = (error as GaxiosLikeError)?.response?.data as
    | { error?: string | { errors?: { reason?: string }[]; status?: string } }
    | undefined;
  if (!data?.error) return null;
  // The token endpoint answers { error: 'invalid_grant' }; the Calendar API { error: { errors: [{ reason }] } }.
  if (typeof data.error === 'string') return data.error;
  return data.error.errors?.[0]?.reason ?? data.error.status ?? null;
}

function toCalendarError(error: unknown, what: string): GoogleCalendarError {
  const status = statusOf(error);
  const reason = reasonOf(error);
  const retryable =
    status === null || status === 429 || status >= 500 || (status === 403 && reason !== null && RATE_LIMIT_REASONS.has(reason));
  const message = `Google Calendar ${what} failed${status ? ` with ${status}` : ''}: ${reason ?? (error as Error)?.message ?? String(error)}`;
  return new GoogleCalendarError(message, status, reason, retryable, { cause: error });
}
