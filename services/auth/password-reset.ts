/**
 * Forgotten passwords: a single-use link (1 hour by default) to the account's address. Asking
 * answers the same whether or not the address has an account, and the email is sent after the
 * answer, so neither the answer nor its timing tells who is registered. Resetting ends every
 * session of the account: whoever knew the old password is signed out.
 */
import type { Knex } from 'knex';
import { EmailTokenRepository } from '../../db/repositories/email-token-repository.js';
import { UserCredentialsRepository } from '../../db/repositories/user-credentials-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import { INVALID_LINK } from './email-verification.js';
import { hashToken, newOpaqueToken } from './opaque-tokens.js';
import type { PasswordHasher } from './password-hasher.js';
import { passwordProblems } from './password-policy.js';
import type { SessionStore } from './session-store.js';

export interface PasswordResetOptions {
  db: Knex;
  emails: EmailSender;
  hasher: PasswordHasher;
  sessions: SessionStore;
  ttlMs: number;
  frontendBaseUrl: string;
}

/** One link per minute at most, so the form cannot be used to flood someone's inbox. */
const REQUEST_AGAIN_AFTER_MS = 60_000;

export class PasswordReset {
  private readonly tokens: EmailTokenRepository;
  private readonly users: UserRepository;
  private readonly credentials: UserCredentialsRepository;

  constructor(private readonly options: PasswordResetOptions) {
    this.tokens = new EmailTokenRepository(options.db);
    this.users = new UserRepository(options.db);
    this.credentials = new UserCredentialsRepository(options.db);
  }

  /** Sends a reset link if the address belongs to an active account; silent either way. */
  async request(email: string): Promise<void> {
    const now = new Date();
    const outboxIds = await this.options.db.transaction(async (trx) => {
      const user = await this.users.findByEmail(email, trx);
      if (!user || user.disabledAt) return [];
      const latest = await this.tokens.latestOpenIssuedAt(user.id, 'reset_password', now, trx);
      if (latest && now.getTime() - latest.getTime() < REQUEST_AGAIN_AFTER_MS) return [];
      const token = newOpaqueToken();
      const expiresAt = new Date(now.getTime() + this.options.ttlMs);
      const row = await this.tokens.insert({ userId: user.id, purpose: 'reset_password', email: user.email, tokenHash: hashToken(token), expiresAt }, trx);
      const link = new URL('/reset-password', this.options.frontendBaseUrl);
      link.searchParams.set('token', token);
      const messages = await this.options.emails.enqueue(
        [
          {
            dedupeKey: `reset-password:${row.id}`,
            template: 'reset-password',
            to: { email: user.email, name: user.displayName },
            params: { displayName: user.displayName, link: link.toString(), expiresAt: expiresAt.toISOString(), timeZone: user.timeZone, language: user.language },
            sensitive: true,
          },
        ],
        trx,
      );
      return messages.map((message) => message.id);
    });
    this.options.emails.deliverSoon(outboxIds);
  }

  async reset(token: string, newPassword: string): Promise<void> {
    const now = new Date();
    const tokenHash = hashToken(token);
    const usable = await this.tokens.findUsable(tokenHash, 'reset_password', now);
    const user = usable && (await this.users.findById(usable.userId));
    if (!usable || !user || user.disabledAt) throw AppError.invalidInput(INVALID_LINK, [{ path: 'body.token', message: INVALID_LINK }]);
    // Checked before the link is spent, so a refused password leaves the link usable for the next try.
    const problems = passwordProblems(newPassword, { email: user.email });
    if (problems.length > 0) {
      throw AppError.invalidInput('The new password does not meet the password rules', problems.map((message) => ({ path: 'body.password', message })));
    }
    const passwordHash = await this.options.hasher.hash(newPassword);

    const revoked = await this.options.db.transaction(async (trx) => {
      const spent = await this.tokens.consume(tokenHash, 'reset_password', now, trx);
      if (!spent) throw AppError.invalidInput(INVALID_LINK, [{ path: 'body.token', message: INVALID_LINK }]);
      await this.credentials.setPasswordHash(user.id, passwordHash, trx);
      await this.tokens.retireOpen(user.id, 'reset_password', now, trx);
      // Opening a link sent to the address proves the address.
      await this.credentials.markEmailVerified(user.id, spent.email, now, trx);
      return this.options.sessions.revokeAllForUser(user.id, 'password_reset', trx);
    });
    await this.options.sessions.announce(revoked);
  }
}
