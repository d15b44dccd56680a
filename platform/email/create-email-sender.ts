import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../../domain/config.js';
import { createBrevoTransport } from '../../integrations/brevo.js';
import { EmailSender } from './email-sender.js';

/** The email sender every process builds the same way (API, booking worker). */
export function createEmailSender(config: Pick<Config, 'brevo' | 'email'>, db: Knex, logger: Logger): EmailSender {
  return new EmailSender({ db, transport: createBrevoTransport(config.brevo), logger: logger.child({ component: 'email' }), retryIntervalMs: config.email.retryIntervalMs });
}
