/**
 * Zoom's API as the booking's meetings use it, with in-memory state:
 *   POST   /zoom/oauth/token?grant_type=account_credentials&account_id=…   Server-to-Server OAuth
 *          (HTTP Basic client id and secret) → a bearer token
 *   POST   /zoom/v2/users/me/meetings         create a scheduled meeting (type 2)
 *   GET    /zoom/v2/users/me/meetings         list (type=upcoming|scheduled, page_size, next_page_token)
 *   GET|PATCH|DELETE /zoom/v2/meetings/:id    read, update, delete (404 with code 3001 when unknown)
 * API calls need a bearer token the fake issued and that has not expired.
 *
 * Inspection: GET /_fake/zoom/meetings (meetings, deleted ids, tokens issued),
 * POST /_fake/zoom/failures { count, status } (the next `count` API calls answer `status`).
 */
import { randomBytes } from 'node:crypto';
import { bodyFields, type FakeHandler, type FakeService, sendEmpty, sendJson } from './router.js';

export interface ZoomFakeOptions {
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  now?: () => number;
}

export interface FakeZoomMeeting {
  id: number;
  uuid: string;
  host_id: string;
  topic: string;
  type: number;
  start_time: string;
  duration: number;
  timezone: string;
  agenda: string;
  created_at: string;
  join_url: string;
  settings: Record<string, unknown>;
}

export interface ZoomFakeState {
  meetings: FakeZoomMeeting[];
  deletedMeetingIds: number[];
  tokensIssued: number;
}

export interface ZoomFake extends FakeService {
  state(): ZoomFakeState;
  failNext(count: number, status: number): void;
}

const OAUTH = '/zoom/oauth';
const API = '/zoom/v2';
/** The development stack's credentials (domain/config.ts defaults). */
const DEFAULTS = { accountId: 'zoom-development-account', clientId: 'zoom-development-client', clientSecret: 'zoom-development-secret' };
const FIRST_MEETING_ID = 81_000_000_001;

export function createZoomFake(options: ZoomFakeOptions = {}): ZoomFake {
  const credentials = { ...DEFAULTS, ...options };
  const ttlSeconds = options.tokenTtlSeconds ?? 3_599;
  const now = options.now ?? Date.now;

  const meetings = new Map<number, FakeZoomMeeting>();
  let deleted: number[] = [];
  const tokens = new Map<string, number>();
  let tokensIssued = 0;
  let failures: number[] = [];
  let nextId = FIRST_MEETING_ID;

  const zoomError = (response: Parameters<FakeHandler>[1], status: number, code: number, message: string) => sendJson(response, status, { code, message });

  /** Wraps an API handler: a valid bearer token first, then any queued failure. */
  const api =
    (handler: FakeHandler): FakeHandler =>
    (request, response) => {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const expiresAt = token ? tokens.get(token) : undefined;
      if (expiresAt === undefined || expiresAt <= now()) return zoomError(response, 401, 124, 'Invalid access token.');
      const failure = failures.shift();
      if (failure !== undefined) return zoomError(response, failure, failure, 'Failure queued through /_fake/zoom/failures');
      if (request.params.userId !== undefined && request.params.userId !== 'me') return zoomError(response, 404, 1001, 'User does not exist.');
      return handler(request, response);
    };

  function state(): ZoomFakeState {
    return { meetings: [...meetings.values()].map((meeting) => structuredClone(meeting)), deletedMeetingIds: [...deleted], tokensIssued };
  }

  return {
    name: 'zoom',
    state,
    failNext(count, status) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    reset() {
      meetings.clear();
      deleted = [];
      tokens.clear();
      tokensIssued = 0;
      failures = [];
      nextId = FIRST_MEETING_ID;
    },
    routes: [
      {
        method: 'POST',
        path: `${OAUTH}/token`,
        handler: (request, response) => {
          const expected = `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`;
          if (request.headers.authorization !== expected) return sendJson(response, 401, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
          if (request.query.get('grant_type') !== 'account_credentials') return sendJson(response, 400, { reason: 'Unsupported grant type', error: 'unsupported_grant_type' });
          if (request.query.get('account_id') !== credentials.accountId) return sendJson(response, 400, { reason: 'Invalid account_id', error: 'invalid_request' });
          const token = `zoomfake_${randomBytes(16).toString('hex')}`;
          tokens.set(token, now() + ttlSeconds * 1000);
          tokensIssued++;
          sendJson(response, 200, { access_token: token, token_type: 'bearer', expires_in: ttlSeconds, scope: 'meeting:read:admin meeting:write:admin', api_url: 'https://api.zoom.us' });
        },
      },
      {
        method: 'POST',
        path: `${API}/users/:userId/meetings`,
        handler: api((request, response) => {
          const body = bodyFields(request);
          const problem = invalidMeeting(body, false);
          if (problem) return zoomError(response, 400, 300, problem);
          const id = nextId++;
          const meeting: FakeZoomMeeting = {
            id,
            uuid: randomBytes(16).toString('base64'),
            host_id: 'fake-host',
            topic: body.topic as string,
            type: 2,
            start_time: zoomTime(body.start_time as string),
            duration: (body.duration as number | undefined) ?? 60,
            timezone: (body.timezone as string | undefined) ?? 'UTC',
            agenda: (body.agenda as string | undefined) ?? '',
            created_at: zoomTime(new Date(now()).toISOString()),
            join_url: `https://zoom.fake/j/${id}`,
            settings: (body.settings as Record<string, unknown> | undefined) ?? {},
          };
          meetings.set(id, meeting);
          sendJson(response, 201, meeting);
        }),
      },
      {
        method: 'GET',
        path: `${API}/users/:userId/meetings`,
        handler: api((request, response) => {
          const type = request.query.get('type') ?? 'scheduled';
          const pageSize = Math.min(300, Math.max(1, Number(request.query.get('page_size') ?? 30)));
          const offset = Number(request.query.get('next_page_token') || 0);
          const listed = [...meetings.values()]
            .filter((meeting) => type !== 'upcoming' || Date.parse(meeting.start_time) + meeting.duration * 60_000 > now())
            .sort((a, b) => a.start_time.localeCompare(b.start_time) || a.id - b.id);
          const more = offset + pageSize < listed.length;
          sendJson(response, 200, {
            page_size: pageSize,
            total_records: listed.length,
            next_page_token: more ? String(offset + pageSize) : '',
            meetings: listed.slice(offset, offset + pageSize),
          });
        }),
      },
      {
        method: 'GET',
        path: `${API}/meetings/:meetingId`,
        handler: api((request, response) => {
          const meeting = meetings.get(Number(request.params.meetingId));
          if (!meeting) return zoomError(response, 404, 3001, `Meeting does not exist: ${request.params.meetingId}.`);
          sendJson(response, 200, meeting);
        }),
      },
      {
        method: 'PATCH',
        path: `${API}/meetings/:meetingId`,
        handler: api((request, response) => {
          const meeting = meetings.get(Number(request.params.meetingId));
          if (!meeting) return zoomError(response, 404, 3001, `Meeting does not exist: ${request.params.meetingId}.`);
          const body = bodyFields(request);
          const problem = invalidMeeting(body, true);
          if (problem) return zoomError(response, 400, 300, problem);
          if (typeof body.topic === 'string') meeting.topic = body.topic;
          if (typeof body.start_time === 'string') meeting.start_time = zoomTime(body.start_time);
          if (typeof body.duration === 'number') meeting.duration = body.duration;
          if (typeof body.timezone === 'string') meeting.timezone = body.timezone;
          if (typeof body.agenda === 'string') meeting.agenda = body.agenda;
          sendEmpty(response, 204);
        }),
      },
      {
        method: 'DELETE',
        path: `${API}/meetings/:meetingId`,
        handler: api((request, response) => {
          const id = Number(request.params.meetingId);
          if (!meetings.delete(id)) return zoomError(response, 404, 3001, `Meeting does not exist: ${request.params.meetingId}.`);
          deleted.push(id);
          sendEmpty(response, 204);
        }),
      },
      { method: 'GET', path: '/_fake/zoom/meetings', handler: (_request, response) => sendJson(response, 200, state()) },
      {
        method: 'POST',
        path: '/_fake/zoom/failures',
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

/** What Zoom would refuse in a meeting body, or null. `partial` for a PATCH. */
function invalidMeeting(body: Record<string, unknown>, partial: boolean): string | null {
  const has = (key: string) => body[key] !== undefined;
  if (!partial && typeof body.topic !== 'string') return 'topic is required';
  if (has('topic') && (typeof body.topic !== 'string' || body.topic.length > 200)) return 'topic must be a string of at most 200 characters';
  if (!partial && body.type !== 2) return 'only scheduled meetings (type 2) are faked';
  if (!partial && !has('start_time')) return 'start_time is required for a scheduled meeting';
  if (has('start_time') && (typeof body.start_time !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?$/.test(body.start_time))) {
    return 'start_time must be yyyy-MM-ddTHH:mm:ss[Z]';
  }
  if (has('duration') && (!Number.isInteger(body.duration) || (body.duration as number) <= 0)) return 'duration must be a positive integer of minutes';
  if (has('timezone') && (typeof body.timezone !== 'string' || !knownZone(body.timezone))) return `Invalid field: timezone ${String(body.timezone)}`;
  if (has('agenda') && (typeof body.agenda !== 'string' || body.agenda.length > 2000)) return 'agenda must be a string of at most 2000 characters';
  return null;
}

/** Zoom writes UTC times as yyyy-MM-ddTHH:mm:ssZ. */
function zoomTime(text: string): string {
  return new Date(text.endsWith('Z') ? text : `${text}Z`).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
