import type { Knex } from 'knex';
import { User } from '../models/user.js';

/**
 * The writes and look-ups of sign-in: passwords, verified addresses, linked Google accounts. Kept
 * apart from UserRepository (profiles and listings) because they change for different reasons.
 */
export class UserCredentialsRepository {
  constructor(private readonly db: Knex) {}

  async findByGoogleSub(googleSub: string, trx?: Knex.Transaction): Promise<User | undefined> {
    return User.query(trx ?? this.db).findOne({ google_sub: googleSub });
  }

  /** Locks the row, so a link and a concurrent registration cannot both claim one address. */
  async findByEmailForUpdate(email: string, trx: Knex.Transaction): Promise<User | undefined> {
    return User.query(trx).findOne({ email }).forUpdate();
  }

  async setPasswordHash(userId: string, passwordHash: string, trx?: Knex.Transaction): Promise<void> {
    await User.query(trx ?? this.db).patch({ passwordHash, updatedAt: new Date() }).where({ id: userId });
  }

  /** Marks the address verified only while it is still the user's address. */
  async markEmailVerified(userId: string, email: string, at: Date, trx?: Knex.Transaction): Promise<boolean> {
    const count = await User.query(trx ?? this.db)
      .patch({ emailVerifiedAt: at, updatedAt: at })
      .where({ id: userId, email })
      .whereNull('email_verified_at');
    return count > 0;
  }

  async linkGoogle(userId: string, googleSub: string, trx?: Knex.Transaction): Promise<void> {
    await User.query(trx ?? this.db).patch({ googleSub, updatedAt: new Date() }).where({ id: userId });
  }
}
