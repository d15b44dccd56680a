/**
 * Short-lived access tokens: JWTs signed with HS256 under a key derived from SECRET_KEY. The
 * algorithm, issuer and audience are pinned on verification, so a token minted for something else
 * (or with alg=none) is refused. `sid` names the sign-in session (the refresh-token family), so a
 * logout can end every connection that session opened.
 */
import { hkdfSync } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../../domain/errors.js';
import { ROLES, type Role } from '../../db/models/user.js';

export const TOKEN_ISSUER = 'tutorflow';
export const TOKEN_AUDIENCE = 'tutorflow-api';
const ALGORITHM = 'HS256';

export interface AccessClaims {
  userId: string;
  role: Role;
  sessionId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(
    secretKey: string,
    private readonly ttlMs: number,
  ) {
    // A key of its own, so SECRET_KEY can also derive keys for other purposes without reuse.
    this.key = new Uint8Array(hkdfSync('sha256', secretKey, 'tutorflow', 'access-token-v1', 32));
  }

  async issue(subject: { userId: string; role: Role; sessionId: string }): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.ttlMs);
    const token = await new SignJWT({ role: subject.role, sid: subject.sessionId })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(subject.userId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  /** Throws an unauthenticated AppError for anything but a valid, unexpired token of ours. */
  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'sid'],
      });
      const role = payload.role as Role;
      if (!ROLES.includes(role) || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') {
        throw AppError.unauthenticated('The access token is malformed');
      }
      return { userId: payload.sub, role, sessionId: payload.sid, expiresAt: payload.exp! };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw AppError.unauthenticated('The access token has expired; refresh it');
      throw AppError.unauthenticated('The access token is not valid');
    }
  }
}
