/**
 * Google's OAuth 2.0 consent for Calendar access on a user's behalf (authorization code + PKCE,
 * offline access), through the OAuth2 client of the `googleapis` package. Unlike sign-in, which
 * asks for online access and only reads who the person is, this asks for a refresh token the
 * booking activities keep using after the person has left.
 *
 * Only the calendar module of googleapis is loaded, on the first use: the whole package costs a
 * second at start. GOOGLE_API_BASE points every endpoint at the local fake (empty: Google itself).
 */
import type { Config } from '../../domain/config.js';
import { googleConsentFlow } from '../../integrations/google.js';

/** The one Calendar scope the booking activities need: write events, nothing else of the calendar. */
export const CALENDAR_EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
const SCOPES = ['openid', 'email', CALENDAR_EVENTS_SCOPE];
const REQUEST_TIMEOUT_MS = 10_000;

export interface GoogleCalendarGrant {
  /** Null when Google gave none (it only does on a fresh consent for offline access). */
  refreshToken: string | null;
  /** What the person actually granted: with granular consent they may untick the calendar. */
  scopes: string[];
}

export class GoogleConsentError extends Error {
  override name = 'GoogleConsentError';
  constructor(
    message: string,
    /** rejected: Google said no; unreachable: Google could not be asked. */
    readonly reason: 'rejected' | 'unreachable',
    /** The HTTP status Google answered, when it answered (not `status`: Koa would take that for ours). */
    readonly googleStatus: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface GoogleCalendarConsent {
  /** A fresh PKCE verifier and its S256 challenge. */
  pkce(): Promise<{ verifier: string; challenge: string }>;
  authorizationUrl(options: { state: string; codeChallenge: string }): Promise<string>;
  exchangeCode(options: { code: string; codeVerifier: string }): Promise<GoogleCalendarGrant>;
  /** Ends the grant at Google; throws GoogleConsentError when Google refuses or cannot be reached. */
  revoke(refreshToken: string): Promise<void>;
}

export function createGoogleCalendarConsent(google: Config['google']): GoogleCalendarConsent {
  const flow = googleConsentFlow(google, {
    redirectUri: google.calendarRedirectUri,
    scopes: SCOPES,
    // A refresh token, and a fresh one even when the person granted access before: Google sends
    // one only on a consent screen the person actually saw.
    consent: { access_type: 'offline', prompt: 'consent' },
    // The user waits on these calls: a Google that hangs must not hold the request forever.
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  const { oauth } = flow;

  return {
    pkce: flow.pkce,
    authorizationUrl: flow.authorizationUrl,
    async exchangeCode({ code, codeVerifier }) {
      try {
        const { tokens } = await (await oauth()).getToken({ code, codeVerifier });
        return { refreshToken: tokens.refresh_token ?? null, scopes: tokens.scope?.split(' ').filter(Boolean) ?? [] };
      } catch (error) {
        throw toConsentError(error, 'Google refused the authorization code', 'Google could not be reached to finish connecting the calendar');
      }
    },
    async revoke(refreshToken) {
      try {
        await (await oauth()).revokeToken(refreshToken);
      } catch (error) {
        throw toConsentError(error, 'Google refused to revoke the grant', 'Google could not be reached to revoke the grant');
      }
    },
  };
}

/**
 * Keeps only the status: a gaxios error carries the request, whose URL or body holds the token, and
 * must never reach a log.
 */
function toConsentError(error: unknown, rejected: string, unreachable: string): GoogleConsentError {
  const status = (error as { response?: { status?: number } }).response?.status ?? null;
  if (status !== null && status < 500) return new GoogleConsentError(`${rejected} (${status})`, 'rejected', status);
  return new GoogleConsentError(status === null ? unreachable : `${unreachable} (${status})`, 'unreachable', status);
}
