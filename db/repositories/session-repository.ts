import type { Knex } from 'knex';
import { AuthSession, type RevocationReason, type SignInMethod } from '../models/auth-session.js';
import { RefreshToken } from '../models/refresh-token.js';

/**
 * Every query on sign-in sessions and their refresh tokens. Model data is camelCase, but column
 * names inside where clauses are written as in the table (the mappers translate data, not clauses).
 */
export class SessionRepository {
  constructor(private readonly db: Knex) {}

  async createSession(session: { userId: string; method: SignInMethod; expiresAt: Date; deviceFingerprint?: string }, trx?: Knex.Transaction): Promise<AuthSession> {
    return AuthSession.query(trx ?? this.db).insertAndFetch(session);
  }

  /**
   * Whether a session of the user that is live, or ended since `since`, was opened on this device;
   * a session from before devices were recorded counts as known (nothing tells it apart).
   */
  async knowsDevice(userId: string, fingerprint: string, since: Date, trx?: Knex.Transaction): Promise<boolean> {
    const row = await (trx ?? this.db)('auth_sessions')
      .where({ user_id: userId })
      .whereRaw('coalesce(revoked_at, expires_at) >= ?', [since])
      .where((device) => device.where({ device_fingerprint: fingerprint }).orWhereNull('device_fingerprint'))
      .first('id');
    return row !== undefined;
  }

  async insertRefreshToken(token: { sessionId: string; tokenHash: string; expiresAt: Date }, trx?: Knex.Transaction): Promise<RefreshToken> {
    return RefreshToken.query(trx ?? this.db).insertAndFetch(token);
  }

  /** Locks the token row, so two refreshes with the same token are decided one after the other. */
  async findRefreshTokenForUpdate(tokenHash: string, trx: Knex.Transaction): Promise<RefreshToken | undefined> {
    return RefreshToken.query(trx).where({ token_hash: tokenHash }).forUpdate().first();
  }

  async findSessionForUpdate(id: string, trx: Knex.Transaction): Promise<AuthSession | undefined> {
    return AuthSession.query(trx).findById(id).forUpdate();
  }

  async findSessionsByIds(ids: readonly string[], trx?: Knex.Transaction): Promise<AuthSession[]> {
    if (ids.length === 0) return [];
    return AuthSession.query(trx ?? this.db).whereIn('id', ids);
  }

  async findRefreshTokenById(id: string, trx: Knex.Transaction): Promise<RefreshToken | undefined> {
    return RefreshToken.query(trx).findById(id);
  }

  /**
   * Spends the token for its successor, keeping the successor sealed for a repeat presentation,
   * and drops the seal its own predecessor kept for it (this token is no longer the newest).
   */
  async markRefreshTokenRotated(id: string, at: Date, successor: { id: string; sealed: string }, trx: Knex.Transaction): Promise<void> {
    await RefreshToken.query(trx).patch({ usedAt: at, successorId: successor.id, successorSealed: successor.sealed }).where({ id }).whereNull('used_at');
    await RefreshToken.query(trx).patch({ successorSealed: null }).where({ successor_id: id });
  }

  async extendSession(id: string, refreshedAt: Date, expiresAt: Date, trx: Knex.Transaction): Promise<void> {
    await AuthSession.query(trx).patch({ refreshedAt, expiresAt }).where({ id });
  }

  /** Revokes the session unless it already was; returns it when this call revoked it. */
  async revoke(id: string, reason: RevocationReason, trx?: Knex.Transaction): Promise<AuthSession | undefined> {
    const rows = await AuthSession.query(trx ?? this.db)
      .patch({ revokedAt: new Date(), revokedReason: reason })
      .where({ id })
      .whereNull('revoked_at')
      .returning('*');
    return (rows as unknown as AuthSession[])[0];
  }

  /** A user's sessions that can still be used (not revoked, not expired), newest first. */
  async findLiveByUser(userId: string, now: Date, trx?: Knex.Transaction): Promise<AuthSession[]> {
    return AuthSession.query(trx ?? this.db).where({ user_id: userId }).whereNull('revoked_at').where('expires_at', '>', now).orderBy('created_at', 'desc');
  }

  /** Revokes the session only if it belongs to the user and is live; returns it when this call revoked it. */
  async revokeOwned(id: string, userId: string, reason: RevocationReason, trx?: Knex.Transaction): Promise<AuthSession | undefined> {
    const rows = await AuthSession.query(trx ?? this.db)
      .patch({ revokedAt: new Date(), revokedReason: reason })
      .where({ id, user_id: userId })
      .whereNull('revoked_at')
      .where('expires_at', '>', new Date())
      .returning('*');
    return (rows as unknown as AuthSession[])[0];
  }

  /** Revokes every live session of a user but one (the caller's own); returns the sessions this call revoked. */
  async revokeAllForUserExcept(userId: string, keepSessionId: string, reason: RevocationReason, trx?: Knex.Transaction): Promise<AuthSession[]> {
    const rows = await AuthSession.query(trx ?? this.db)
      .patch({ revokedAt: new Date(), revokedReason: reason })
      .where({ user_id: userId })
      .whereNot({ id: keepSessionId })
      .whereNull('revoked_at')
      .returning('*');
    return rows as unknown as AuthSession[];
  }

  /**
   * Deletes sessions that ended (expired, or revoked) before `before`, with their refresh tokens
   * (cascade); answers how many. Revoked sessions are kept until then so a reused refresh token is
   * still recognised as one.
   */
  async deleteEndedBefore(before: Date, trx?: Knex.Transaction): Promise<number> {
    return AuthSession.query(trx ?? this.db)
      .delete()
      .where((ended) => ended.where('expires_at', '<', before).orWhere('revoked_at', '<', before));
  }

  /** Revokes every live session of a user; returns the sessions this call revoked. */
  async revokeAllForUser(userId: string, reason: RevocationReason, trx?: Knex.Transaction): Promise<AuthSession[]> {
    const rows = await AuthSession.query(trx ?? this.db)
      .patch({ revokedAt: new Date(), revokedReason: reason })
      .where({ user_id: userId })
      .whereNull('revoked_at')
      .returning('*');
    return rows as unknown as AuthSession[];
  }
}
