import { BaseModel } from './base-model.js';

/** One link of a session's refresh-token chain; only its SHA-256 is kept. */
export class RefreshToken extends BaseModel {
  static override tableName = 'refresh_tokens';

  id!: string;
  sessionId!: string;
  tokenHash!: string;
  expiresAt!: Date;
  usedAt!: Date | null;
  /** The token this one was traded for. */
  successorId!: string | null;
  /** That successor, sealed with a key only this token's holder can derive; dropped once the successor is used. */
  successorSealed!: string | null;
  createdAt!: Date;
}
