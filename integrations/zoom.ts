/**
 * A thin typed client of the Zoom REST API (v2) with Server-to-Server OAuth: the account's client
 * credentials buy an access token, cached in the process until shortly before it expires. Every
 * call is bounded by a timeout, so a hung Zoom cannot hold an activity slot forever.
 *
 * The base URLs come from configuration: Zoom itself in production, the local fake in development
 * and tests.
 */
import type { Config } from '../domain/config.js';

export interface ZoomMeetingRequest {
  topic: string;
  /** ISO instant. */
  startTime: string;
  durationMinutes: number;
  /** IANA zone, shown to the participants. */
  timeZone: string;
  agenda: string;
}

export interface ZoomMeeting {
  id: string;
  topic: string;
  startTime: string;
  durationMinutes: number;
  agenda: string;
  joinUrl: string;
}

/** What Zoom answered when it refused a call. `retryable` is true for outages and rate limits. */
export class ZoomError extends Error {
  override name = 'ZoomError';

  constructor(
    message: string,
    readonly status: number | null,
    readonly code: number | null,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ZoomClientOptions {
  accountId: string;
  clientId: string;
  clientSecret: string;
  apiBase: string;
  oauthBase: string;
  /**
   * Whose meetings: the user id or email of the account's host user. 'me' (the default) is the
   * user the app belongs to.
   */
  hostUser?: string;
  /** Per HTTP call. */
  timeoutMs?: number;
  /** A token is renewed this long before Zoom says it expires, so no call carries a dying token. */
  tokenRenewalMarginMs?: number;
  now?: () => number;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/** Zoom's JSON for a meeting; only the fields used here. */
interface ZoomMeetingJson {
  id: number | string;
  topic?: string;
  start_time?: string;
  duration?: number;
  agenda?: string;
  join_url?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RENEWAL_MARGIN_MS = 60_000;
/** Zoom's largest page for listing meetings. */
const PAGE_SIZE = 300;

export class ZoomClient {
  private token: CachedToken | null = null;
  private pendingToken: Promise<CachedToken> | null = null;
  private readonly timeoutMs: number;
  private readonly renewalMarginMs: number;
  private readonly now: () => number;
  private readonly hostPath: string;

  constructor(private readonly options: ZoomClientOptions) {
    this.hostPath = `/users/${encodeURIComponent(options.hostUser ?? 'me')}`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.renewalMarginMs = options.tokenRenewalMarginMs ?? DEFAULT_RENEWAL_MARGIN_MS;
    this.now = options.now ?? Date.now;
  }

  async createMeeting(meeting: ZoomMeetingRequest): Promise<ZoomMeeting> {
    const body = {
      // 2 = a scheduled meeting (one start time, no recurrence).
      type: 2,
      topic: meeting.topic,
      start_time: zoomTime(meeting.startTime),
      duration: meeting.durationMinutes,
      timezone: meeting.timeZone,
      agenda: meeting.agenda,
      settings: {
        host_video: true,
        participant_video: true,
        join_before_host: false,
        waiting_room: true,
        mute_upon_entry: false,
      },
    };
    const created = await this.call<ZoomMeetingJson>('POST', `${this.hostPath}/meetings`, body);
    return toMeeting(created);
  }

  async updateMeeting(meetingId: string, meeting: ZoomMeetingRequest): Promise<void> {
    await this.call('PATCH', `/meetings/${encodeURIComponent(meetingId)}`, {
      topic: meeting.topic,
      start_time: zoomTime(meeting.startTime),
      duration: meeting.durationMinutes,
      timezone: meeting.timeZone,
      agenda: meeting.agenda,
    });
  }

  /** Returns false when the meeting was already gone: deleting twice is not an error. */
  async deleteMeeting(meetingId: string): Promise<boolean> {
    try {
      await this.call('DELETE', `/meetings/${encodeURIComponent(meetingId)}`);
      return true;
    } catch (error) {
      if (error instanceof ZoomError && error.status === 404) return false;
      throw error;
    }
  }

  /** The host's upcoming meetings, a page at a time: a caller looking for one stops when it is found. */
  async *upcomingMeetings(): AsyncGenerator<ZoomMeeting> {
    let pageToken = '';
    do {
      const query = new URLSearchParams({ type: 'upcoming', page_size: String(PAGE_SIZE) });
      if (pageToken) query.set('next_page_token', pageToken);
      const page = await this.call<{ meetings?: ZoomMeetingJson[]; next_page_token?: string }>('GET', `${this.hostPath}/meetings?${query}`);
      yield* (page.meetings ?? []).map(toMeeting);
      pageToken = page.next_page_token ?? '';
    } while (pageToken);
  }

  /** One authorized call; a 401 on a cached token renews the token once (Zoom may revoke it early). */
  private async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const response = await this.fetch(`${trimSlash(this.options.apiBase)}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token.value}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (response.status === 401 && attempt === 0) {
        if (this.token === token) this.token = null;
        await response.body?.cancel();
        continue;
      }
      if (!response.ok) throw await errorFrom(response, `Zoom ${method} ${path.split('?')[0]}`);
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    }
  }

  private async accessToken(): Promise<CachedToken> {
    if (this.token && this.token.expiresAt - this.renewalMarginMs > this.now()) return this.token;
    // Concurrent activities share one token request instead of each buying a token.
    this.pendingToken ??= this.requestToken().finally(() => {
      this.pendingToken = null;
    });
    this.token = await this.pendingToken;
    return this.token;
  }

  private async requestToken(): Promise<CachedToken> {
    const query = new URLSearchParams({ grant_type: 'account_credentials', account_id: this.options.accountId });
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64');
    const response = await this.fetch(`${trimSlash(this.options.oauthBase)}/token?${query}`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
    });
    // A refused token is our credentials, not the request: retried, so a fixed deployment recovers.
    if (!response.ok) throw await errorFrom(response, 'Zoom token request', true);
    const json = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!json.access_token || typeof json.expires_in !== 'number') {
      throw new ZoomError('Zoom token response lacks access_token or expires_in', response.status, null, true);
    }
    return { value: json.access_token, expiresAt: this.now() + json.expires_in * 1000 };
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      // Network failures and timeouts: Zoom may be fine in a moment.
      throw new ZoomError(`Zoom unreachable: ${(error as Error).message}`, null, null, true, { cause: error });
    }
  }
}

export function createZoomClient(zoom: Config['zoom']): ZoomClient {
  return new ZoomClient(zoom);
}

/** Zoom takes `yyyy-MM-ddTHH:mm:ssZ` for UTC; it rejects fractional seconds. */
function zoomTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function toMeeting(json: ZoomMeetingJson): ZoomMeeting {
  return {
    id: String(json.id),
    topic: json.topic ?? '',
    startTime: json.start_time ?? '',
    durationMinutes: json.duration ?? 0,
    agenda: json.agenda ?? '',
    joinUrl: json.join_url ?? '',
  };
}

async function errorFrom(response: Response, what: string, alwaysRetryable = false): Promise<ZoomError> {
  let code: number | null = null;
  let message = response.statusText;
  try {
    const json = (await response.json()) as { code?: number; message?: string; reason?: string };
    code = typeof json.code === 'number' ? json.code : null;
    message = json.message ?? json.reason ?? message;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  // 401 after a fresh token means the app's credentials are wrong: an operator's fix, then a retry.
  const retryable = alwaysRetryable || response.status === 401 || response.status === 429 || response.status >= 500;
  return new ZoomError(`${what} failed with ${response.status}: ${message}`, response.status, code, retryable);
}

function trimSlash(base: string): string {
  return base.replace(/\/+$/, '');
}
