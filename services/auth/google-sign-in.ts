/**
 * Sign-in with Google (OpenID Connect, authorization code + PKCE). /start stores a single-use
 * state bound to a PKCE verifier and answers Google's consent URL; the callback takes the state
 * back (once, before it expires), exchanges the code with the verifier and verifies the ID token.
 *
 * Accounts are keyed on Google's `sub`, never on the email (addresses change hands). A Google
 * identity is linked to an existing account with the same address only when Google says it
 * verified that address; otherwise whoever controls the Google account could take over an account
 * they do not own, so the link is refused.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { User } from '../../db/models/user.js';
import { OAuthStateRepository } from '../../db/repositories/oauth-state-repository.js';
import { UserCredentialsRepository } from '../../db/repositories/user-credentials-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import { GoogleSignInError, type GoogleIdentity, type GoogleSignInClient } from '../../integrations/google.js';
import { type Account, accountDisabled, isUniqueViolation, toAccount } from './account.js';
import { hashToken, newOpaqueToken } from './opaque-tokens.js';
import type { SessionStore, TokenPair } from './session-store.js';
import type { SignInAlerts } from './sign-in-alerts.js';
import type { SignInDevice } from './sign-in-device.js';

export interface GoogleSignInOptions {
  db: Knex;
  google: GoogleSignInClient;
  sessions: SessionStore;
  stateTtlMs: number;
  alerts: SignInAlerts;
}

export type GoogleOutcome = 'signed_in' | 'created' | 'linked';

export interface GoogleSignedIn {
  outcome: GoogleOutcome;
  account: Account;
  tokens: TokenPair;
  /** Where the browser asked, at start, for the refresh token. */
  tokenTransport: TokenTransport;
}

export type TokenTransport = 'body' | 'cookie';

export interface GoogleSignInStart {
  authorizationUrl: string;
  expiresAt: Date;
  /** The secret the browser keeps in a cookie and must bring back to the callback. */
  browserBinding: string;
}

const DISPLAY_NAME_MAX = 120;
const INVALID_STATE = 'This sign-in is unknown, was already finished or took too long; start again';
const OTHER_BROWSER = 'This sign-in was started in another browser (or its cookie expired); start again from this browser';
const BINDING_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export class GoogleSignIn {
  private readonly states: OAuthStateRepository;
  private readonly users: UserRepository;
  private readonly credentials: UserCredentialsRepository;

  constructor(private readonly options: GoogleSignInOptions) {
    this.states = new OAuthStateRepository(options.db);
    this.users = new UserRepository(options.db);
    this.credentials = new UserCredentialsRepository(options.db);
  }

  /**
   * `role` and `timeZone` apply only if the sign-in creates an account. The state is bound to the
   * browser: `browserBinding` is the secret of the cookie this browser already holds from another
   * sign-in in progress (two tabs), or a new one; the caller sets it as a cookie.
   */
  async start(
    request: { role: 'student' | 'tutor'; timeZone?: string; tokenTransport?: TokenTransport },
    browserBinding?: string,
  ): Promise<GoogleSignInStart> {
    const now = new Date();
    const state = newOpaqueToken();
    const binding = browserBinding && BINDING_FORMAT.test(browserBinding) ? browserBinding : newOpaqueToken();
    const { verifier, challenge } = await this.options.google.pkce();
    const expiresAt = new Date(now.getTime() + this.options.stateTtlMs);
    await this.states.insert({
      stateHash: hashToken(state),
      provider: 'google',
      codeVerifier: verifier,
      role: request.role,
      timeZone: request.timeZone ?? null,
      browserBindingHash: hashToken(binding),
      tokenTransport: request.tokenTransport ?? 'body',
      expiresAt,
    });
    return { authorizationUrl: await this.options.google.authorizationUrl({ state, codeChallenge: challenge }), expiresAt, browserBinding: binding };
  }

  /**
   * `browserBinding` is the cookie the callback request carried. A state is spent even when the
   * browser is not the one that started it, so a replayed callback URL works nowhere.
   */
  async finish(callback: { state: string; code?: string; error?: string }, browserBinding: string | undefined, device?: SignInDevice): Promise<GoogleSignedIn> {
    const pending = await this.states.take(hashToken(callback.state), 'google', new Date());
    if (!pending) throw AppError.invalidInput(INVALID_STATE, [{ path: 'query.state', message: INVALID_STATE }]);
    if (!browserBinding || !sameHash(hashToken(browserBinding), pending.browserBindingHash)) {
      throw AppError.invalidInput(OTHER_BROWSER, [{ path: 'cookie.tf_google_signin', message: OTHER_BROWSER }]);
    }
    if (callback.error) throw AppError.unauthenticated(`Google did not sign you in (${callback.error})`);
    if (!callback.code) throw AppError.invalidInput('Google sent no authorization code', [{ path: 'query.code', message: 'is required' }]);

    // No transaction is open while Google is asked.
    const identity = await this.exchange(callback.code, pending.codeVerifier);

    const result = await this.options.db
      .transaction(async (trx) => {
        const { user, outcome } = await this.findOrCreate(identity, pending, trx);
        if (user.disabledAt) throw accountDisabled(user);
        // A new account's first session is its registration: nothing to alert.
        const newDevice = device !== undefined && outcome !== 'created' && (await this.options.alerts.isNewDevice(user.id, device, trx));
        return { outcome, user, newDevice, tokens: await this.options.sessions.start(user, 'google', trx, device) };
      })
      .catch((error: unknown) => {
        // Two callbacks for one new identity at once: the second finds the account on a new attempt.
        if (isUniqueViolation(error)) throw AppError.conflict('This account was just created by another sign-in; try again');
        throw error;
      });
    if (result.newDevice) await this.options.alerts.alert(result.user.id, result.tokens.sessionId, device!, new Date());
    return { outcome: result.outcome, account: toAccount(result.user), tokens: result.tokens, tokenTransport: pending.tokenTransport };
  }

  private async exchange(code: string, codeVerifier: string): Promise<GoogleIdentity> {
    try {
      return await this.options.google.exchangeCode({ code, codeVerifier });
    } catch (error) {
      if (error instanceof GoogleSignInError) {
        if (error.reason === 'unreachable') throw new AppError('unavailable', 'Google could not be reached; try again shortly', { cause: error, retryAfterSeconds: 5 });
        throw new AppError('unauthenticated', `Google did not confirm this sign-in: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  private async findOrCreate(
    identity: GoogleIdentity,
    pending: { role: 'student' | 'tutor'; timeZone: string | null },
    trx: Knex.Transaction,
  ): Promise<{ user: User; outcome: GoogleOutcome }> {
    const known = await this.credentials.findByGoogleSub(identity.sub, trx);
    if (known) return { user: known, outcome: 'signed_in' };
    if (!identity.email) throw new AppError('unprocessable', 'Google did not share an email address; allow access to it and try again');

    const now = new Date();
    const existing = await this.credentials.findByEmailForUpdate(identity.email, trx);
    if (existing) {
      if (!identity.emailVerified) {
        throw AppError.conflict(
          'An account with this email address already exists, and Google has not verified that the address is yours, so the two cannot be linked. Sign in with your password instead.',
        );
      }
      if (existing.googleSub) throw AppError.conflict('This account is already linked to another Google account');
      await this.credentials.linkGoogle(existing.id, identity.sub, trx);
      await this.credentials.markEmailVerified(existing.id, existing.email, now, trx);
      return { user: (await this.users.findById(existing.id, trx))!, outcome: 'linked' };
    }

    const user = await this.users.insert(
      {
        email: identity.email,
        role: pending.role,
        displayName: (identity.name?.trim() || identity.email.split('@')[0]!).slice(0, DISPLAY_NAME_MAX),
        googleSub: identity.sub,
        timeZone: pending.timeZone ?? 'UTC',
        emailVerifiedAt: identity.emailVerified ? now : null,
      },
      trx,
    );
    return { user, outcome: 'created' };
  }
}

/** Constant-time comparison of two hex digests. */
function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
