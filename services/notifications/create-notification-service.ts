import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { NotificationRepository } from '../../db/repositories/notification-repository.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import { Notifier } from '../../platform/notifications/notifier.js';
import { NotificationService } from './notification-service.js';

/** The notification service every process that tells people things builds the same way (API, realtime). */
export function createNotificationService(db: Knex, redis: Redis, emails: EmailSender, logger: Logger): NotificationService {
  const warn = (message: string, meta: Record<string, unknown>) => logger.warn(meta, message);
  return new NotificationService({ repository: new NotificationRepository(db), notifier: new Notifier({ db, redis, emails, warn }), emails, warn });
}
