/**
 * A user connects their Google Calendar so the booking activities can write their lessons in it,
 * and disconnects it. /start binds a single-use state to the signed-in user and a PKCE verifier;
 * the callback (which arrives without our bearer token) takes the state back, exchanges the code
 * and keeps the refresh token sealed. Disconnecting forgets the link first and then asks Google to
 * revoke the grant: a revocation Google refuses is logged, and the user is disconnected all the same.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Principal } from '../../domain/principal.js';
import { GoogleCalendarLinkRepository } from '../../db/repositories/google-calendar-link-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { ConnectStates } from './connect-states.js';
import { CALENDAR_EVENTS_SCOPE, GoogleConsentError, type GoogleCalendarConsent, type GoogleCalendarGrant } from './google-calendar-consent.js';

export interface CalendarLinkServiceOptions {
  db: Knex;
  consent: GoogleCalendarConsent;
  states: ConnectStates;
  /** Seals refresh tokens: a SecretBox for SEAL_PURPOSES.googleRefreshToken. */
  tokens: SecretBox;
  logger: Logger;
}

export interface CalendarLinkStatus {
  connected: boolean;
  connectedAt: Date | null;
  calendarId: string | null;
}

/** Lessons go to the calendar Google opens by default for the account. */
const DEFAULT_CALENDAR_ID = 'primary';
const INVALID_STATE = 'This calendar connection is unknown, was already finished or took too long; start again';

export class CalendarLinkService {
  private readonly links: GoogleCalendarLinkRepository;
  private readonly users: UserRepository;

  constructor(private readonly options: CalendarLinkServiceOptions) {
    this.links = new GoogleCalendarLinkRepository(options.db);
    this.users = new UserRepository(options.db);
  }

  async start(principal: Principal): Promise<{ authorizationUrl: string; expiresAt: Date }> {
    const { verifier, challenge } = await this.options.consent.pkce();
    const { state, expiresAt } = await this.options.states.issue({ userId: principal.userId, codeVerifier: verifier });
    return { authorizationUrl: await this.options.consent.authorizationUrl({ state, codeChallenge: challenge }), expiresAt };
  }

  /**
   * `principal` is whoever the browser is signed in as, if it sent a token. A state started by
   * someone else is refused like an unknown one (and used up: a state seen by another is spent).
   */
  async finish(callback: { state: string; code?: string; error?: string }, principal?: Principal): Promise<{ connected: true; calendarId: string }> {
    const pending = await this.options.states.take(callback.state);
    if (!pending || (principal && principal.userId !== pending.userId)) {
      throw AppError.invalidInput(INVALID_STATE, [{ path: 'query.state', message: INVALID_STATE }]);
    }
    if (callback.error) throw AppError.unauthenticated(`Google did not give access to your calendar (${callback.error})`);
    if (!callback.code) throw AppError.invalidInput('Google sent no authorization code', [{ path: 'query.code', message: 'is required' }]);
    const user = await this.users.findById(pending.userId);
    if (!user || user.disabledAt) throw AppError.unauthenticated('This account is no longer active');

    // No transaction is open while Google is asked.
    const grant = await this.exchange(callback.code, pending.codeVerifier);
    if (!grant.scopes.includes(CALENDAR_EVENTS_SCOPE)) {
      throw AppError.conflict('Google did not give access to your calendar events; connect again and leave calendar access ticked on the consent screen');
    }
    if (!grant.refreshToken) {
      throw AppError.conflict("Google did not grant lasting access to your calendar; connect again and approve access on Google's consent screen");
    }
    // A previous link is replaced, not revoked: Google's revocation ends the whole grant of this
    // app for the account, which would take the new refresh token with it.
    await this.links.upsert({ userId: pending.userId, refreshTokenEncrypted: this.options.tokens.seal(grant.refreshToken), calendarId: DEFAULT_CALENDAR_ID });
    return { connected: true, calendarId: DEFAULT_CALENDAR_ID };
  }

  async status(principal: Principal): Promise<CalendarLinkStatus> {
    const [link] = await this.links.findByUserIds([principal.userId]);
    return link ? { connected: true, connectedAt: link.connectedAt, calendarId: link.calendarId } : { connected: false, connectedAt: null, calendarId: null };
  }

  /** Disconnecting what is not connected succeeds: the outcome the user asked for holds. */
  async disconnect(principal: Principal): Promise<void> {
    const removed = await this.links.remove(principal.userId);
    if (!removed) return;
    const log = this.options.logger.child({ userId: principal.userId });
    let refreshToken: string;
    try {
      refreshToken = this.options.tokens.open(removed.refreshTokenEncrypted);
    } catch (error) {
      log.warn({ reason: (error as Error).message }, 'cannot open the stored Google grant to revoke it; the link is removed');
      return;
    }
    try {
      await this.options.consent.revoke(refreshToken);
    } catch (error) {
      if (!(error instanceof GoogleConsentError)) throw error;
      // The grant may already be gone (the user revoked it at Google); either way the user can end it there.
      log.warn({ googleStatus: error.googleStatus, reason: error.reason }, 'Google did not revoke the calendar grant; the link is removed');
    }
  }

  private async exchange(code: string, codeVerifier: string): Promise<GoogleCalendarGrant> {
    try {
      return await this.options.consent.exchangeCode({ code, codeVerifier });
    } catch (error) {
      if (!(error instanceof GoogleConsentError)) throw error;
      if (error.reason === 'unreachable') throw new AppError('unavailable', 'Google could not be reached; try again shortly', { retryAfterSeconds: 5 });
      throw AppError.unauthenticated(`Google did not confirm access to your calendar: ${error.message}`);
    }
  }
}
