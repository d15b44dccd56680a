/**
 * Accounts with a password: registration, login, refresh, logout, password change, and the
 * signed-in account.
 */
import type { Knex } from 'knex';
import type { Principal } from '../../domain/principal.js';
import type { User } from '../../db/models/user.js';
import { EmailTokenRepository } from '../../db/repositories/email-token-repository.js';
import { UserCredentialsRepository } from '../../db/repositories/user-credentials-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import { type Account, accountDisabled, isUniqueViolation, toAccount } from './account.js';
import type { EmailVerification } from './email-verification.js';
import type { PasswordHasher } from './password-hasher.js';
import { passwordProblems } from './password-policy.js';
import type { SessionStore, TokenPair } from './session-store.js';
import type { SignInAlerts } from './sign-in-alerts.js';
import type { SignInDevice } from './sign-in-device.js';

export interface Registration {
  email: string;
  password: string;
  displayName: string;
  role: 'student' | 'tutor';
  timeZone: string;
}

export interface SignedIn {
  account: Account;
  tokens: TokenPair;
}

/** One answer for an unknown email and a wrong password, so the answer does not reveal who is registered. */
export const INVALID_CREDENTIALS = 'The email or password is not correct';
const DUPLICATE_EMAIL = 'An account with this email address already exists';

export interface AccountServiceOptions {
  db: Knex;
  hasher: PasswordHasher;
  sessions: SessionStore;
  verification: EmailVerification;
  emails: EmailSender;
  alerts: SignInAlerts;
}

export class AccountService {
  private readonly users: UserRepository;
  private readonly credentials: UserCredentialsRepository;
  private readonly resetLinks: EmailTokenRepository;

  constructor(private readonly options: AccountServiceOptions) {
    this.users = new UserRepository(options.db);
    this.credentials = new UserCredentialsRepository(options.db);
    this.resetLinks = new EmailTokenRepository(options.db);
  }

  /** Creates the account, signs it in and sends the address verification link. */
  async register(input: Registration, device?: SignInDevice): Promise<SignedIn> {
    const problems = passwordProblems(input.password, { email: input.email });
    if (problems.length > 0) {
      throw AppError.invalidInput('The password does not meet the password rules', problems.map((message) => ({ path: 'body.password', message })));
    }
    if (await this.users.findByEmail(input.email)) throw AppError.conflict(DUPLICATE_EMAIL);
    // Hashed before the transaction: it takes tens of milliseconds no connection should be held for.
    const passwordHash = await this.options.hasher.hash(input.password);

    const { user, tokens, outboxIds } = await this.options.db
      .transaction(async (trx) => {
        const created = await this.users.insert(
          { email: input.email, role: input.role, displayName: input.displayName, timeZone: input.timeZone, passwordHash },
          trx,
        );
        const outbox = await this.options.verification.issue(created, trx);
        return { user: created, tokens: await this.options.sessions.start(created, 'password', trx, device), outboxIds: outbox };
      })
      .catch((error: unknown) => {
        // Lost a race with another registration of the same address.
        if (isUniqueViolation(error, 'users_email_key')) throw AppError.conflict(DUPLICATE_EMAIL);
        throw error;
      });
    this.options.emails.deliverSoon(outboxIds);
    return { account: toAccount(user), tokens };
  }

  /** With the device it comes from: a device the account has not used recently is alerted (sign-in-alerts.ts). */
  async login(email: string, password: string, device?: SignInDevice): Promise<SignedIn> {
    const user = await this.users.findByEmail(email);
    const matches = user?.passwordHash
      ? await this.options.hasher.verify(user.passwordHash, password)
      : await this.options.hasher.verifyAgainstDummy(password);
    if (!user || !matches) throw AppError.unauthenticated(INVALID_CREDENTIALS);
    // Said only to someone who proved the password.
    if (user.disabledAt) throw accountDisabled(user);
    if (this.options.hasher.needsRehash(user.passwordHash!)) {
      await this.credentials.setPasswordHash(user.id, await this.options.hasher.hash(password));
    }
    if (!device) return { account: toAccount(user), tokens: await this.options.sessions.start(user, 'password') };
    const newDevice = await this.options.alerts.isNewDevice(user.id, device);
    const tokens = await this.options.sessions.start(user, 'password', undefined, device);
    if (newDevice) await this.options.alerts.alert(user.id, tokens.sessionId, device, new Date());
    return { account: toAccount(user), tokens };
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    return this.options.sessions.rotate(refreshToken);
  }

  async logout(principal: Principal): Promise<void> {
    await this.options.sessions.revoke(principal.sessionId, 'logout');
  }

  async me(principal: Principal): Promise<Account> {
    const user: User | undefined = await this.users.findById(principal.userId);
    // The account was deleted or disabled after the token was issued.
    if (!user || user.disabledAt) throw AppError.unauthenticated('This account is no longer active');
    return toAccount(user);
  }

  /**
   * Changes the password of the signed-in account after checking the current one, and ends every
   * other session: whoever else knew the old password (or holds a stolen refresh token) is signed
   * out, while this device stays signed in. Open reset links stop working too.
   */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findById(principal.userId);
    if (!user || user.disabledAt) throw AppError.unauthenticated('This account is no longer active');
    if (!user.passwordHash) {
      throw AppError.conflict('This account has no password yet (it signs in with Google); set one through a reset link (POST /api/auth/password/forgot)');
    }
    if (!(await this.options.hasher.verify(user.passwordHash, currentPassword))) {
      throw AppError.invalidInput('The current password is not correct', [{ path: 'body.currentPassword', message: 'is not your current password' }]);
    }
    const problems = passwordProblems(newPassword, { email: user.email });
    if (problems.length > 0) {
      throw AppError.invalidInput('The new password does not meet the password rules', problems.map((message) => ({ path: 'body.newPassword', message })));
    }
    const passwordHash = await this.options.hasher.hash(newPassword);
    const revoked = await this.options.db.transaction(async (trx) => {
      await this.credentials.setPasswordHash(user.id, passwordHash, trx);
      await this.resetLinks.retireOpen(user.id, 'reset_password', new Date(), trx);
      return this.options.sessions.revokeOthersForUser(user.id, principal.sessionId, 'password_change', trx);
    });
    await this.options.sessions.announce(revoked);
  }

  async resendVerification(principal: Principal): Promise<void> {
    await this.options.verification.resend(principal.userId);
  }
}
