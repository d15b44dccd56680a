import type { Knex } from 'knex';
import { EmailToken, type EmailTokenPurpose } from '../models/email-token.js';

export interface NewEmailToken {
  userId: string;
  purpose: EmailTokenPurpose;
  email: string;
  tokenHash: string;
  expiresAt: Date;
}

/** Every query on the single-use tokens sent by email. */
export class EmailTokenRepository {
  constructor(private readonly db: Knex) {}

  async insert(token: NewEmailToken, trx?: Knex.Transaction): Promise<EmailToken> {
    return EmailToken.query(trx ?? this.db).insertAndFetch(token);
  }

  /**
   * Marks the token used if it is unused and unexpired, in one statement: of two concurrent
   * attempts exactly one gets the token back.
   */
  async consume(tokenHash: string, purpose: EmailTokenPurpose, now: Date, trx?: Knex.Transaction): Promise<EmailToken | undefined> {
    const rows = await EmailToken.query(trx ?? this.db)
      .patch({ usedAt: now })
      .where({ token_hash: tokenHash, purpose })
      .whereNull('used_at')
      .where('expires_at', '>', now)
      .returning('*');
    return (rows as unknown as EmailToken[])[0];
  }

  /** The token if it is unused and unexpired, without spending it. */
  async findUsable(tokenHash: string, purpose: EmailTokenPurpose, now: Date, trx?: Knex.Transaction): Promise<EmailToken | undefined> {
    return EmailToken.query(trx ?? this.db).where({ token_hash: tokenHash, purpose }).whereNull('used_at').where('expires_at', '>', now).first();
  }

  /** When the newest unused token of this purpose was issued to the user, if any. */
  async latestOpenIssuedAt(userId: string, purpose: EmailTokenPurpose, now: Date, trx?: Knex.Transaction): Promise<Date | undefined> {
    const row = await EmailToken.query(trx ?? this.db)
      .where({ user_id: userId, purpose })
      .whereNull('used_at')
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .first();
    return row?.createdAt;
  }

  /** Retires every open token of one purpose for a user (a reset that succeeded voids older links). */
  async retireOpen(userId: string, purpose: EmailTokenPurpose, now: Date, trx?: Knex.Transaction): Promise<number> {
    return EmailToken.query(trx ?? this.db).patch({ usedAt: now }).where({ user_id: userId, purpose }).whereNull('used_at');
  }
}
