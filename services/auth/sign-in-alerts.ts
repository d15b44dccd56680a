/**
 * New-sign-in alerts: when an account signs in on a device (browser and network) that none of its
 * live or recent sessions used, the person is emailed — always, whatever their notification
 * preferences (kind `account.security`) — and the alert is stored as a notification, in their
 * language and time zone. "Recent" is SESSION_RETENTION: ended sessions are deleted after it. A
 * registration opens the account's first session and is not alerted; neither is a sign-in while a
 * session from before devices were recorded is still live or recent (nothing to compare with).
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { SessionRepository } from '../../db/repositories/session-repository.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import type { Notifier } from '../../platform/notifications/notifier.js';
import type { SignInDevice } from './sign-in-device.js';

export interface SignInAlertsDependencies {
  db: Knex;
  notifier: Pick<Notifier, 'notify'>;
  emails: Pick<EmailSender, 'deliverSoon'>;
  /** How long an ended session still counts as recent (SESSION_RETENTION). */
  recentMs: number;
  logger: Logger;
}

export class SignInAlerts {
  private readonly sessions: SessionRepository;

  constructor(private readonly deps: SignInAlertsDependencies) {
    this.sessions = new SessionRepository(deps.db);
  }

  /** Asked before the sign-in's own session exists (in its transaction, where there is one). */
  async isNewDevice(userId: string, device: SignInDevice, trx?: Knex.Transaction): Promise<boolean> {
    return !(await this.sessions.knowsDevice(userId, device.fingerprint, new Date(Date.now() - this.deps.recentMs), trx));
  }

  /**
   * After the sign-in committed: stores and emails the alert, once per session. Best effort: the
   * person is signed in either way, so a failure here is logged, not answered.
   */
  async alert(userId: string, sessionId: string, device: SignInDevice, at: Date): Promise<void> {
    try {
      const { emailIds } = await this.deps.notifier.notify([
        {
          userId,
          kind: 'account.security',
          dedupeKey: `new-sign-in:${sessionId}`,
          template: 'new-sign-in',
          params: { at: at.toISOString(), device: device.userAgent.slice(0, 160) || 'an unknown browser', network: device.network },
          data: { sessionId },
        },
      ]);
      this.deps.emails.deliverSoon(emailIds);
    } catch (error) {
      this.deps.logger.error({ err: error, userId, sessionId }, 'new sign-in alert not stored');
    }
  }
}
