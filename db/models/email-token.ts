import { BaseModel } from './base-model.js';

export const EMAIL_TOKEN_PURPOSES = ['verify_email', 'reset_password'] as const;
export type EmailTokenPurpose = (typeof EMAIL_TOKEN_PURPOSES)[number];

/** A single-use secret sent by email (address verification, password reset); only its SHA-256 is kept. */
export class EmailToken extends BaseModel {
  static override tableName = 'email_tokens';

  id!: string;
  userId!: string;
  purpose!: EmailTokenPurpose;
  /** The address the link was sent to. */
  email!: string;
  tokenHash!: string;
  expiresAt!: Date;
  usedAt!: Date | null;
  createdAt!: Date;
}
