/**
 * Proving an email address: a single-use link (24 hours by default) sent at registration and on
 * request; opening it marks the address verified, as long as it is still the account's address.
 */
import type { Knex } from 'knex';
import type { User } from '../../db/models/user.js';
import { EmailTokenRepository } from '../../db/repositories/email-token-repository.js';
import { UserCredentialsRepository } from '../../db/repositories/user-credentials-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import { hashToken, newOpaqueToken } from './opaque-tokens.js';

export interface EmailVerificationOptions {
  db: Knex;
  emails: EmailSender;
  ttlMs: number;
  frontendBaseUrl: string;
}

/** A second link within this time is not sent: one click on "resend" too many must not flood an inbox. */
const RESEND_AFTER_MS = 60_000;

export const INVALID_LINK = 'This link is not valid: it may have expired or been used already';

export class EmailVerification {
  private readonly tokens: EmailTokenRepository;
  private readonly users: UserRepository;
  private readonly credentials: UserCredentialsRepository;

  constructor(private readonly options: EmailVerificationOptions) {
    this.tokens = new EmailTokenRepository(options.db);
    this.users = new UserRepository(options.db);
    this.credentials = new UserCredentialsRepository(options.db);
  }

  /** Issues a link and enqueues its email in the caller's transaction; returns the outbox ids to deliver after commit. */
  async issue(user: User, trx: Knex.Transaction): Promise<string[]> {
    const token = newOpaqueToken();
    const expiresAt = new Date(Date.now() + this.options.ttlMs);
    const row = await this.tokens.insert({ userId: user.id, purpose: 'verify_email', email: user.email, tokenHash: hashToken(token), expiresAt }, trx);
    const link = new URL('/verify-email', this.options.frontendBaseUrl);
    link.searchParams.set('token', token);
    const messages = await this.options.emails.enqueue(
      [
        {
          dedupeKey: `verify-email:${row.id}`,
          template: 'verify-email',
          to: { email: user.email, name: user.displayName },
          params: { displayName: user.displayName, link: link.toString(), expiresAt: expiresAt.toISOString(), timeZone: user.timeZone, language: user.language },
          sensitive: true,
        },
      ],
      trx,
    );
    return messages.map((message) => message.id);
  }

  /** Sends a new link to the signed-in user, unless the address is verified or a link just went out. */
  async resend(userId: string): Promise<void> {
    const now = new Date();
    const outboxIds = await this.options.db.transaction(async (trx) => {
      const user = await this.users.findById(userId, trx);
      if (!user) throw AppError.unauthenticated();
      if (user.emailVerifiedAt) throw AppError.conflict('This email address is already verified');
      const latest = await this.tokens.latestOpenIssuedAt(user.id, 'verify_email', now, trx);
      if (latest && now.getTime() - latest.getTime() < RESEND_AFTER_MS) return [];
      return this.issue(user, trx);
    });
    this.options.emails.deliverSoon(outboxIds);
  }

  async verify(token: string): Promise<void> {
    const now = new Date();
    const verified = await this.options.db.transaction(async (trx) => {
      const row = await this.tokens.consume(hashToken(token), 'verify_email', now, trx);
      if (!row) return false;
      const user = await this.users.findById(row.userId, trx);
      // The account changed its address after the link was sent: the link proves the old one only.
      if (!user || user.email.toLowerCase() !== row.email.toLowerCase()) return false;
      await this.credentials.markEmailVerified(user.id, user.email, now, trx);
      return true;
    });
    if (!verified) throw AppError.invalidInput(INVALID_LINK, [{ path: 'body.token', message: INVALID_LINK }]);
  }
}
