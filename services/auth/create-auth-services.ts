import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../../domain/config.js';
import { createGoogleSignInClient } from '../../integrations/google.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import { Notifier } from '../../platform/notifications/notifier.js';
import type { AccessTokens } from './access-tokens.js';
import { AccountService } from './account-service.js';
import { EmailVerification } from './email-verification.js';
import { GoogleSignIn } from './google-sign-in.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordReset } from './password-reset.js';
import { createSessionStore, type SessionStore } from './session-store.js';
import { SignInAlerts } from './sign-in-alerts.js';

/** Everything sign-in needs, built once per process. */
export interface AuthServices {
  accounts: AccountService;
  verification: EmailVerification;
  passwordReset: PasswordReset;
  google: GoogleSignIn;
  /** Also the access guard's revocation check. */
  sessions: SessionStore;
}

export interface AuthServiceDependencies {
  config: Config;
  db: Knex;
  redis: Redis;
  logger: Logger;
  tokens: AccessTokens;
  emails: EmailSender;
}

export function createAuthServices({ config, db, redis, logger, tokens, emails }: AuthServiceDependencies): AuthServices {
  const hasher = new PasswordHasher();
  const sessions = createSessionStore({ config, db, redis, tokens, logger });
  const verification = new EmailVerification({ db, emails, ttlMs: config.auth.emailVerificationTtlMs, frontendBaseUrl: config.email.frontendBaseUrl });
  const warn = (message: string, meta: Record<string, unknown>) => logger.warn(meta, message);
  const alerts = new SignInAlerts({ db, notifier: new Notifier({ db, redis, emails, warn }), emails, recentMs: config.maintenance.sessionRetentionMs, logger });
  return {
    sessions,
    verification,
    accounts: new AccountService({ db, hasher, sessions, verification, emails, alerts }),
    passwordReset: new PasswordReset({ db, emails, hasher, sessions, ttlMs: config.auth.passwordResetTtlMs, frontendBaseUrl: config.email.frontendBaseUrl }),
    google: new GoogleSignIn({ db, google: createGoogleSignInClient(config.google), sessions, stateTtlMs: config.auth.oauthStateTtlMs, alerts }),
  };
}
