import { BaseModel } from './base-model.js';

export const SIGN_IN_METHODS = ['password', 'google'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

export const REVOCATION_REASONS = ['logout', 'refresh_token_reuse', 'password_reset', 'account_disabled', 'password_change', 'revoked_by_user'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** One sign-in: a refresh-token family. Its id is the `sid` of every access token it issues. */
export class AuthSession extends BaseModel {
  static override tableName = 'auth_sessions';

  id!: string;
  userId!: string;
  method!: SignInMethod;
  createdAt!: Date;
  refreshedAt!: Date | null;
  /** When the newest refresh token of the family expires. */
  expiresAt!: Date;
  revokedAt!: Date | null;
  revokedReason!: RevocationReason | null;
  /** SHA-256 of the sign-in's user agent and network (services/auth/sign-in-device.ts); null before devices were recorded. */
  deviceFingerprint!: string | null;
}
