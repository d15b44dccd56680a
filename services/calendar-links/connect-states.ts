/**
 * The `state` of each calendar connection in progress, bound to the user who started it and to the
 * PKCE verifier, in Redis under the SHA-256 of the state. The callback arrives without our bearer
 * token, so the state is what says whose calendar is being connected: it is random, works once
 * (GETDEL) and dies with its TTL.
 *
 * Redis rather than the sign-in's oauth_states table: that table describes an account to create (a
 * role, a time zone) and has no user; a pending connection is short-lived and needs no history.
 */
import type { Redis } from 'ioredis';
import { AppError } from '../../domain/errors.js';
import { hashToken, newOpaqueToken } from '../auth/opaque-tokens.js';

export interface PendingConnection {
  userId: string;
  codeVerifier: string;
}

const keyOf = (state: string) => `tutorflow:calendar-connect:${hashToken(state)}`;

export class ConnectStates {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {}

  /** A new state for `pending`, and when it expires. */
  async issue(pending: PendingConnection, now = new Date()): Promise<{ state: string; expiresAt: Date }> {
    const state = newOpaqueToken();
    await this.guard(() => this.redis.set(keyOf(state), JSON.stringify(pending), 'PX', this.ttlMs));
    return { state, expiresAt: new Date(now.getTime() + this.ttlMs) };
  }

  /** Deletes and returns the pending connection: a state can be taken once, and only before it expires. */
  async take(state: string): Promise<PendingConnection | undefined> {
    const value = await this.guard(() => this.redis.getdel(keyOf(state)));
    return value ? (JSON.parse(value) as PendingConnection) : undefined;
  }

  private async guard<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new AppError('unavailable', 'Connecting a calendar is unavailable for a moment; try again shortly', { cause: error, retryAfterSeconds: 5 });
    }
  }
}
