/**
 * Sign-in sessions: one per sign-in, a family of rotating refresh tokens in Postgres, and the
 * session id (`sid`) in every access token issued for it.
 *
 * Ending a session (logout, refresh-token reuse, password reset) is recorded in Postgres, the
 * source of truth, and then announced: a Redis key that lives as long as an access token can
 * (the fast check every authenticated request makes) and a `sessionRevoked` event (the realtime
 * server closes that session's sockets). While Redis is down the check reads Postgres instead, and
 * announcements that could not be made are kept and made when Redis is back, so a revocation during
 * an outage is not forgotten when the outage ends.
 */
import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AuthSession, RevocationReason, SignInMethod } from '../../db/models/auth-session.js';
import type { User } from '../../db/models/user.js';
import { SessionRepository } from '../../db/repositories/session-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import { CHANNELS, type SessionRevoked } from '../../domain/events.js';
import type { AccessTokens } from './access-tokens.js';
import type { Config } from '../../domain/config.js';
import { hashToken, newOpaqueToken, openWithToken, sealWithToken } from './opaque-tokens.js';
import type { RefreshToken } from '../../db/models/refresh-token.js';
import { accountDisabled } from './account.js';
import type { SignInDevice } from './sign-in-device.js';
import type { Principal } from '../../domain/principal.js';

/** What the access guards (HTTP and WebSocket upgrade) ask about a token's session; the SessionStore answers. */
export interface SessionCheck {
  /** True when the sign-in session was ended (logout, refresh-token reuse); its tokens die with it. */
  isRevoked(sessionId: string): Promise<boolean>;
  /** The user's role now (the token's claim may predate a demotion); undefined when the user is gone. */
  currentRole?(userId: string): Promise<Principal['role'] | undefined>;
}

export interface TokenPair {
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

export interface SessionStoreOptions {
  db: Knex;
  redis: Redis;
  tokens: AccessTokens;
  logger: Logger;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  /** How long a just-traded refresh token, presented again, is answered with its successor. */
  refreshTokenReuseIntervalMs: number;
}

/** A sign-in session as its owner sees it. */
export interface SessionView {
  id: string;
  method: SignInMethod;
  createdAt: Date;
  lastRefreshedAt: Date | null;
  expiresAt: Date;
  /** The session of the access token that asked. */
  current: boolean;
}

export const revokedSessionKey = (sessionId: string) => `tutorflow:revoked-session:${sessionId}`;

type RotationOutcome =
  | { kind: 'rotated'; user: User; sessionId: string; refreshToken: string; expiresAt: Date }
  | { kind: 'refused'; detail: string; revoked?: AuthSession; disabled?: User };

/** Also the `SessionCheck` the access guard asks on every authenticated request. */
export class SessionStore {
  private readonly sessions: SessionRepository;
  private readonly users: UserRepository;
  /** Revocations Redis has not heard of yet, by session id. */
  private readonly unannounced = new Map<string, SessionRevoked>();

  constructor(private readonly options: SessionStoreOptions) {
    this.sessions = new SessionRepository(options.db);
    this.users = new UserRepository(options.db);
    options.redis.on('ready', () => void this.announcePending());
  }

  /** Opens a session for a user who just proved who they are; pass the transaction that created or found them. */
  async start(user: Pick<User, 'id' | 'role'>, method: SignInMethod, trx?: Knex.Transaction, device?: Pick<SignInDevice, 'fingerprint'>): Promise<TokenPair> {
    const refreshTokenExpiresAt = new Date(Date.now() + this.options.refreshTokenTtlMs);
    const session = await this.sessions.createSession({ userId: user.id, method, expiresAt: refreshTokenExpiresAt, ...(device ? { deviceFingerprint: device.fingerprint } : {}) }, trx);
    const refreshToken = newOpaqueToken();
    await this.sessions.insertRefreshToken({ sessionId: session.id, tokenHash: hashToken(refreshToken), expiresAt: refreshTokenExpiresAt }, trx);
    const access = await this.options.tokens.issue({ userId: user.id, role: user.role, sessionId: session.id });
    return { sessionId: session.id, accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, refreshTokenExpiresAt };
  }

  /**
   * Trades a refresh token for a new pair. A token that was already spent means two parties hold it
   * (one of them a thief), so the whole session ends; except that the newest spent token presented
   * again within the reuse interval is the same browser racing itself (a reload while the page's own
   * refresh was in flight, two tabs), and gets the successor it was traded for, as Auth0's and
   * Okta's rotation leeway do. The token and session rows are locked, so concurrent refreshes of one
   * token are decided one after the other and all get the same successor.
   */
  async rotate(refreshToken: string): Promise<TokenPair> {
    const now = new Date();
    const outcome = await this.options.db.transaction(async (trx): Promise<RotationOutcome> => {
      const token = await this.sessions.findRefreshTokenForUpdate(hashToken(refreshToken), trx);
      if (!token) return { kind: 'refused', detail: 'The refresh token is not valid; sign in again' };
      // Every rotation of the session waits here, so its chain of tokens cannot move under us.
      const session = await this.sessions.findSessionForUpdate(token.sessionId, trx);
      if (!session || session.revokedAt) {
        // A session ended by a suspension or ban says so, like every other sign-in path.
        const owner = session ? await this.users.findById(session.userId, trx) : undefined;
        return { kind: 'refused', detail: 'This session has ended; sign in again', ...(owner?.disabledAt ? { disabled: owner } : {}) };
      }
      const repeated = token.usedAt ? await this.successorWithinReuseInterval(token, refreshToken, now, trx) : undefined;
      if (token.usedAt && !repeated) {
        const revoked = await this.sessions.revoke(session.id, 'refresh_token_reuse', trx);
        return { kind: 'refused', detail: 'This refresh token was already used, so the session was ended to protect the account; sign in again', revoked };
      }
      if (!repeated && token.expiresAt <= now) return { kind: 'refused', detail: 'The refresh token has expired; sign in again' };
      const user = await this.users.findById(session.userId, trx);
      if (!user || user.disabledAt) {
        const revoked = await this.sessions.revoke(session.id, 'account_disabled', trx);
        return { kind: 'refused', detail: 'This account no longer exists', revoked, ...(user ? { disabled: user } : {}) };
      }
      if (repeated) {
        this.options.logger.info({ sessionId: session.id }, 'refresh token presented again within the reuse interval; answered with its successor');
        return { kind: 'rotated', user, sessionId: session.id, ...repeated };
      }
      const next = newOpaqueToken();
      const expiresAt = new Date(now.getTime() + this.options.refreshTokenTtlMs);
      const successor = await this.sessions.insertRefreshToken({ sessionId: session.id, tokenHash: hashToken(next), expiresAt }, trx);
      await this.sessions.markRefreshTokenRotated(token.id, now, { id: successor.id, sealed: sealWithToken(refreshToken, next) }, trx);
      await this.sessions.extendSession(session.id, now, expiresAt, trx);
      return { kind: 'rotated', user, sessionId: session.id, refreshToken: next, expiresAt };
    });

    if (outcome.kind === 'refused') {
      if (outcome.revoked) await this.announce([outcome.revoked]);
      throw outcome.disabled ? accountDisabled(outcome.disabled) : AppError.unauthenticated(outcome.detail);
    }
    const access = await this.options.tokens.issue({ userId: outcome.user.id, role: outcome.user.role, sessionId: outcome.sessionId });
    return {
      sessionId: outcome.sessionId,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: outcome.refreshToken,
      refreshTokenExpiresAt: outcome.expiresAt,
    };
  }

  /**
   * The successor a spent token was traded for, when the token was spent within the reuse interval
   * and its successor is still the session's newest, unused token; otherwise undefined (reuse).
   * Call with the session row locked.
   */
  private async successorWithinReuseInterval(
    token: RefreshToken,
    presented: string,
    now: Date,
    trx: Knex.Transaction,
  ): Promise<{ refreshToken: string; expiresAt: Date } | undefined> {
    // A concurrent refresh that spent the token may have stamped it a little after our `now`.
    const spentAgo = now.getTime() - token.usedAt!.getTime();
    if (this.options.refreshTokenReuseIntervalMs === 0 || spentAgo > this.options.refreshTokenReuseIntervalMs || !token.successorId || !token.successorSealed) return undefined;
    const successor = await this.sessions.findRefreshTokenById(token.successorId, trx);
    if (!successor || successor.usedAt || successor.expiresAt <= now) return undefined;
    const refreshToken = openWithToken(presented, token.successorSealed);
    if (!refreshToken || hashToken(refreshToken) !== successor.tokenHash) return undefined;
    return { refreshToken, expiresAt: successor.expiresAt };
  }

  /** The user's sessions that can still be used, newest first, marking the caller's own. */
  async listLive(userId: string, currentSessionId: string): Promise<SessionView[]> {
    const sessions = await this.sessions.findLiveByUser(userId, new Date());
    return sessions.map((session) => ({
      id: session.id,
      method: session.method,
      createdAt: session.createdAt,
      lastRefreshedAt: session.refreshedAt,
      expiresAt: session.expiresAt,
      current: session.id === currentSessionId,
    }));
  }

  /** Ends one of the user's own live sessions; another user's, an ended or an unknown one is a 404. */
  async revokeOwn(userId: string, sessionId: string): Promise<void> {
    const revoked = await this.sessions.revokeOwned(sessionId, userId, 'revoked_by_user');
    if (!revoked) throw AppError.notFound('The session');
    await this.announce([revoked]);
  }

  /**
   * Revokes every live session of a user but `keepSessionId`, inside the caller's transaction; the
   * caller announces the returned sessions once the transaction has committed.
   */
  async revokeOthersForUser(userId: string, keepSessionId: string, reason: RevocationReason, trx: Knex.Transaction): Promise<AuthSession[]> {
    return this.sessions.revokeAllForUserExcept(userId, keepSessionId, reason, trx);
  }

  async revoke(sessionId: string, reason: RevocationReason): Promise<void> {
    const revoked = await this.sessions.revoke(sessionId, reason);
    if (revoked) await this.announce([revoked]);
  }

  /**
   * Revokes every live session of a user inside the caller's transaction. The caller announces the
   * returned sessions once the transaction has committed.
   */
  async revokeAllForUser(userId: string, reason: RevocationReason, trx: Knex.Transaction): Promise<AuthSession[]> {
    return this.sessions.revokeAllForUser(userId, reason, trx);
  }

  /** Tells Redis (the fast check) and the realtime servers (the sockets) that these sessions ended. */
  async announce(sessions: readonly AuthSession[]): Promise<void> {
    for (const session of sessions) this.unannounced.set(session.id, { userId: session.userId, sessionId: session.id });
    await this.announcePending();
  }

  /**
   * The caller's role as it is now, read on every authenticated request (one primary-key read), so
   * a demoted admin loses admin routes at once rather than when the access token expires.
   */
  async currentRole(userId: string): Promise<User['role'] | undefined> {
    const user = await this.users.findById(userId);
    // A suspended account's sessions are revoked too; this also covers a token whose session has no row.
    if (user?.disabledAt) throw accountDisabled(user);
    return user?.role;
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    if (this.unannounced.has(sessionId)) return true;
    if (this.options.redis.status === 'ready') {
      try {
        return (await this.options.redis.exists(revokedSessionKey(sessionId))) === 1;
      } catch (error) {
        this.options.logger.warn({ err: error }, 'session check: Redis failed; reading Postgres');
      }
    }
    // A session id with no row (a token minted by test fixtures) has never been revoked.
    const [session] = await this.sessions.findSessionsByIds([sessionId]);
    return Boolean(session?.revokedAt);
  }

  private async announcePending(): Promise<void> {
    if (this.unannounced.size === 0 || this.options.redis.status !== 'ready') return;
    for (const [sessionId, event] of [...this.unannounced]) {
      try {
        const results = await this.options.redis
          .multi()
          .set(revokedSessionKey(sessionId), '1', 'PX', this.options.accessTokenTtlMs)
          .publish(CHANNELS.sessionRevoked, JSON.stringify(event))
          .exec();
        const failed = results?.find(([error]) => error)?.[0];
        if (!results || failed) throw failed ?? new Error('transaction discarded');
        this.unannounced.delete(sessionId);
      } catch (error) {
        this.options.logger.warn({ err: error, sessionId }, 'session revocation not yet announced; will retry when Redis is back');
        return;
      }
    }
  }
}

/** The session store every process builds the same way (API, realtime server). */
export function createSessionStore(deps: { config: Pick<Config, 'auth'>; db: Knex; redis: Redis; tokens: AccessTokens; logger: Logger }): SessionStore {
  return new SessionStore({
    db: deps.db,
    redis: deps.redis,
    tokens: deps.tokens,
    logger: deps.logger.child({ component: 'sessions' }),
    accessTokenTtlMs: deps.config.auth.accessTokenTtlMs,
    refreshTokenTtlMs: deps.config.auth.refreshTokenTtlMs,
    refreshTokenReuseIntervalMs: deps.config.auth.refreshTokenReuseIntervalMs,
  });
}
