/**
 * Google Calendar v3 as the booking's calendar sync uses it, with in-memory state, plus the
 * refresh-token grant of Google's token endpoint that every Calendar call starts with:
 *   POST /google/token  grant_type=refresh_token → an access token for the account the refresh
 *        token stands for (any refresh token not revoked is accepted and names its own account, so
 *        a demo needs no set-up); other grants go on to the sign-in fake (google.ts)
 *   POST   /google/calendar/v3/calendars/:calendarId/events            insert (409 when the id exists, even deleted)
 *   GET    /google/calendar/v3/calendars/:calendarId/events            list (not deleted)
 *   GET|PUT|DELETE /google/calendar/v3/calendars/:calendarId/events/:eventId
 *        read, update (brings a deleted event back), delete (410 when deleted before)
 * Calendars are per account: "primary" of one account is not "primary" of another.
 *
 * Inspection: GET /_fake/google-calendar/events?refreshToken=…[&calendarId=…],
 * POST /_fake/google-calendar/revoked { refreshToken } (its grant then answers invalid_grant),
 * POST /_fake/google-calendar/failures { count, status }.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { bodyFields, type FakeHandler, type FakeRequest, type FakeService, sendEmpty, sendJson } from './router.js';

export interface GoogleCalendarFakeOptions {
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  /** Who answers token requests of other grants (authorization codes: the sign-in fake). */
  otherGrants?: FakeHandler;
}

export interface FakeCalendarEvent {
  id: string;
  calendarId: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  summary?: string;
  description?: string;
  location?: string;
  start: { dateTime?: string; date?: string; timeZone?: string };
  end: { dateTime?: string; date?: string; timeZone?: string };
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  created: string;
  updated: string;
  /** How many times the event was written (the insert is 1). */
  sequence: number;
}

export interface GoogleCalendarFake extends FakeService {
  /** Every event (deleted ones with status cancelled) of the account a refresh token stands for. */
  events(refreshToken: string, calendarId?: string): FakeCalendarEvent[];
  /** The person withdrew the grant: its refresh token now answers invalid_grant. */
  revoke(refreshToken: string): void;
  failNext(count: number, status: number): void;
}

const PREFIX = '/google';
const CALENDARS = `${PREFIX}/calendar/v3/calendars`;
/** The development stack's credentials (domain/config.ts defaults). */
const DEFAULTS = { clientId: 'google-development-client.apps.googleusercontent.com', clientSecret: 'google-development-secret' };
/** Google's rule for client-chosen event ids: base32hex characters, 5 to 1024 of them. */
const EVENT_ID = /^[0-9a-v]{5,1024}$/;

export function createGoogleCalendarFake(options: GoogleCalendarFakeOptions = {}): GoogleCalendarFake {
  const client = { ...DEFAULTS, ...options };
  const ttlSeconds = options.tokenTtlSeconds ?? 3_599;

  /** account (= refresh token) → `${calendarId} ${eventId}` → event */
  const calendars = new Map<string, Map<string, FakeCalendarEvent>>();
  const accessTokens = new Map<string, { account: string; expiresAt: number }>();
  const revoked = new Set<string>();
  let failures: number[] = [];

  const calendarOf = (account: string) => {
    let calendar = calendars.get(account);
    if (!calendar) calendars.set(account, (calendar = new Map()));
    return calendar;
  };
  const keyOf = (calendarId: string, eventId: string) => `${calendarId} ${eventId}`;

  /** Wraps a Calendar handler: a valid access token first, then any queued failure. */
  const api =
    (handler: (request: FakeRequest, response: ServerResponse, calendar: Map<string, FakeCalendarEvent>) => void): FakeHandler =>
    (request, response) => {
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const grant = bearer ? accessTokens.get(bearer) : undefined;
      if (!grant || grant.expiresAt <= Date.now() || revoked.has(grant.account)) {
        return googleError(response, 401, 'Request had invalid authentication credentials.', 'authError');
      }
      const failure = failures.shift();
      if (failure !== undefined) return googleError(response, failure, 'Failure queued through /_fake/google-calendar/failures', failure === 403 ? 'rateLimitExceeded' : 'backendError');
      handler(request, response, calendarOf(grant.account));
    };

  function events(refreshToken: string, calendarId?: string): FakeCalendarEvent[] {
    return [...(calendars.get(refreshToken)?.values() ?? [])].filter((event) => !calendarId || event.calendarId === calendarId).map((event) => structuredClone(event));
  }

  return {
    name: 'google-calendar',
    events,
    revoke(refreshToken) {
      revoked.add(refreshToken);
    },
    failNext(count, status) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    reset() {
      calendars.clear();
      accessTokens.clear();
      revoked.clear();
      failures = [];
    },
    routes: [
      {
        method: 'POST',
        path: `${PREFIX}/token`,
        handler: (request, response) => {
          const fields = bodyFields(request);
          if (fields.grant_type !== 'refresh_token') {
            if (options.otherGrants) return options.otherGrants(request, response);
            return sendJson(response, 400, { error: 'unsupported_grant_type', error_description: 'only refresh_token is faked here' });
          }
          const { clientId, clientSecret } = clientCredentials(request, fields);
          if (clientId !== client.clientId || clientSecret !== client.clientSecret) {
            return sendJson(response, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
          }
          const refreshToken = fields.refresh_token;
          if (typeof refreshToken !== 'string' || refreshToken === '' || revoked.has(refreshToken)) {
            return sendJson(response, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
          }
          const accessToken = `ya29.fake-calendar-${randomBytes(16).toString('hex')}`;
          accessTokens.set(accessToken, { account: refreshToken, expiresAt: Date.now() + ttlSeconds * 1000 });
          sendJson(response, 200, { access_token: accessToken, expires_in: ttlSeconds, token_type: 'Bearer', scope: 'https://www.googleapis.com/auth/calendar.events' });
        },
      },
      {
        method: 'POST',
        path: `${CALENDARS}/:calendarId/events`,
        handler: api((request, response, calendar) => {
          const body = bodyFields(request);
          const problem = invalidEvent(body);
          if (problem) return googleError(response, 400, problem, 'invalid');
          const { calendarId } = request.params as { calendarId: string };
          const id = typeof body.id === 'string' ? body.id : randomBytes(13).toString('hex');
          if (calendar.has(keyOf(calendarId, id))) return googleError(response, 409, 'The requested identifier already exists.', 'duplicate');
          const event = written(undefined, calendarId, id, body);
          calendar.set(keyOf(calendarId, id), event);
          sendJson(response, 200, event);
        }),
      },
      {
        method: 'GET',
        path: `${CALENDARS}/:calendarId/events`,
        handler: api((request, response, calendar) => {
          const items = [...calendar.values()].filter((event) => event.calendarId === request.params.calendarId && event.status !== 'cancelled');
          sendJson(response, 200, { kind: 'calendar#events', items });
        }),
      },
      {
        method: 'GET',
        path: `${CALENDARS}/:calendarId/events/:eventId`,
        handler: api((request, response, calendar) => {
          const event = calendar.get(keyOf(request.params.calendarId!, request.params.eventId!));
          if (!event) return googleError(response, 404, 'Not Found', 'notFound');
          sendJson(response, 200, event);
        }),
      },
      {
        method: 'PUT',
        path: `${CALENDARS}/:calendarId/events/:eventId`,
        handler: api((request, response, calendar) => {
          const { calendarId, eventId } = request.params as { calendarId: string; eventId: string };
          const existing = calendar.get(keyOf(calendarId, eventId));
          if (!existing) return googleError(response, 404, 'Not Found', 'notFound');
          const body = bodyFields(request);
          const problem = invalidEvent(body);
          if (problem) return googleError(response, 400, problem, 'invalid');
          const event = written(existing, calendarId, eventId, body);
          calendar.set(keyOf(calendarId, eventId), event);
          sendJson(response, 200, event);
        }),
      },
      {
        method: 'DELETE',
        path: `${CALENDARS}/:calendarId/events/:eventId`,
        handler: api((request, response, calendar) => {
          const key = keyOf(request.params.calendarId!, request.params.eventId!);
          const existing = calendar.get(key);
          if (!existing) return googleError(response, 404, 'Not Found', 'notFound');
          if (existing.status === 'cancelled') return googleError(response, 410, 'Resource has been deleted', 'deleted');
          calendar.set(key, { ...existing, status: 'cancelled', updated: new Date().toISOString() });
          sendEmpty(response, 204);
        }),
      },
      {
        method: 'GET',
        path: '/_fake/google-calendar/events',
        handler: (request, response) =>
          sendJson(response, 200, { events: events(request.query.get('refreshToken') ?? '', request.query.get('calendarId') ?? undefined) }),
      },
      {
        method: 'POST',
        path: '/_fake/google-calendar/revoked',
        handler: (request, response) => {
          const { refreshToken } = bodyFields(request);
          if (typeof refreshToken !== 'string') return sendJson(response, 400, { error: 'send { refreshToken: string }' });
          revoked.add(refreshToken);
          sendEmpty(response, 204);
        },
      },
      {
        method: 'POST',
        path: '/_fake/google-calendar/failures',
        handler: (request, response) => {
          const { count, status } = bodyFields(request);
          if (typeof count !== 'number' || typeof status !== 'number') return sendJson(response, 400, { error: 'send { count: number, status: number }' });
          for (let i = 0; i < count; i++) failures.push(status);
          sendEmpty(response, 204);
        },
      },
    ],
  };
}

/** What Calendar would refuse in an event body, or null. */
function invalidEvent(body: Record<string, unknown>): string | null {
  const start = body.start as { dateTime?: unknown; date?: unknown } | undefined;
  const end = body.end as { dateTime?: unknown; date?: unknown } | undefined;
  if (!start || !(start.dateTime || start.date)) return 'Missing start time.';
  if (!end || !(end.dateTime || end.date)) return 'Missing end time.';
  if (start.dateTime && end.dateTime && Date.parse(String(end.dateTime)) < Date.parse(String(start.dateTime))) return 'The specified time range is empty.';
  if (body.id !== undefined && (typeof body.id !== 'string' || !EVENT_ID.test(body.id))) return 'Invalid resource id value.';
  return null;
}

function written(existing: FakeCalendarEvent | undefined, calendarId: string, id: string, body: Record<string, unknown>): FakeCalendarEvent {
  const now = new Date().toISOString();
  return {
    id,
    calendarId,
    status: (body.status as FakeCalendarEvent['status'] | undefined) ?? 'confirmed',
    ...(typeof body.summary === 'string' ? { summary: body.summary } : {}),
    ...(typeof body.description === 'string' ? { description: body.description } : {}),
    ...(typeof body.location === 'string' ? { location: body.location } : {}),
    start: body.start as FakeCalendarEvent['start'],
    end: body.end as FakeCalendarEvent['end'],
    ...(body.extendedProperties ? { extendedProperties: body.extendedProperties as FakeCalendarEvent['extendedProperties'] } : {}),
    created: existing?.created ?? now,
    updated: now,
    sequence: (existing?.sequence ?? 0) + 1,
  };
}

/** The client may authenticate in the form body or with HTTP Basic. */
function clientCredentials(request: FakeRequest, fields: Record<string, unknown>): { clientId?: string; clientSecret?: string } {
  const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (basic) {
    const [clientId, clientSecret] = Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent);
    return { clientId, clientSecret };
  }
  return { clientId: fields.client_id as string | undefined, clientSecret: fields.client_secret as string | undefined };
}

/** Google's error shape: { error: { code, message, errors: [{ domain, reason, message }] } }. */
function googleError(response: ServerResponse, status: number, message: string, reason: string): void {
  sendJson(response, status, { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } });
}
