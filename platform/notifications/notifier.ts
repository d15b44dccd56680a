/**
 * Tells people things: for each recipient, by their preferences, stores an in-app notification and
 * pushes it to their sockets (Redis, every realtime instance), and writes an email to the outbox —
 * both in the recipient's own language and time zone, in one transaction. Keyed per recipient, so a
 * retried activity or request stores and emails once. Used by the booking activities (worker) and
 * by NotificationService (API and realtime processes).
 */
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { NotificationRepository, type NotificationRow, type Recipient } from '../../db/repositories/notification-repository.js';
import { CHANNELS, type NotificationCreated } from '../../domain/events.js';
import { effectiveChannels, type NotificationKind } from '../../domain/notifications.js';
import type { EmailMessage, EmailSender } from '../email/email-sender.js';
import { renderNotice, type TemplateName } from '../email/templates/index.js';

export interface NotificationRequest {
  userId: string;
  kind: NotificationKind;
  /** Unique per recipient, e.g. `booking:<id>:<step>`: the same key stores and emails once. */
  dedupeKey: string;
  /** The email template; its in-app form is the notification's title and body. */
  template: TemplateName;
  /** The template's params, less the recipient's own (name, role, language, time zone), which are added here. */
  params: Record<string, unknown>;
  /** Params that depend on who the recipient is (e.g. links by role). */
  paramsFor?: (recipient: Recipient) => Record<string, unknown>;
  /** Ids a client links to (bookingId, reviewId, conversationId, …). */
  data: Record<string, unknown>;
}

export interface NotifyResult {
  /** Notifications stored by this call (not those a previous try stored). */
  created: NotificationRow[];
  /** Outbox rows of the emails (new or already there), to deliver after the commit. */
  emailIds: string[];
}

export interface NotifierDependencies {
  db: Knex;
  redis: Redis;
  emails: EmailSender;
  /** Where a failed push is reported (the worker's activity log, the API's pino logger). */
  warn: (message: string, meta: Record<string, unknown>) => void;
}

/** The frame body clients get: the same view REST lists. */
export function notificationView(row: NotificationRow): NotificationCreated['notification'] {
  return { id: row.id, kind: row.kind, title: row.title, body: row.body, data: row.data, readAt: row.readAt?.toISOString() ?? null, createdAt: row.createdAt.toISOString() };
}

export class Notifier {
  private readonly repository: NotificationRepository;

  constructor(private readonly deps: NotifierDependencies) {
    this.repository = new NotificationRepository(deps.db);
  }

  async notify(requests: readonly NotificationRequest[]): Promise<NotifyResult> {
    const userIds = [...new Set(requests.map((request) => request.userId))];
    const [recipients, preferences] = await Promise.all([this.repository.recipients(userIds), this.repository.preferences(userIds)]);
    const byId = new Map(recipients.map((recipient) => [recipient.id, recipient]));
    const notifications: Parameters<NotificationRepository['insert']>[0][number][] = [];
    const emails: EmailMessage[] = [];
    for (const request of requests) {
      const recipient = byId.get(request.userId);
      if (!recipient) continue;
      const channels = effectiveChannels(request.kind, preferences.get(recipient.id)?.get(request.kind));
      const params = personal({ ...request.params, ...request.paramsFor?.(recipient) }, recipient);
      if (channels.inApp) {
        const notice = renderNotice(request.template, params);
        if (notice) notifications.push({ userId: recipient.id, kind: request.kind, dedupeKey: request.dedupeKey, title: notice.title, body: notice.body, data: request.data });
      }
      if (channels.email) {
        emails.push({ dedupeKey: `${request.dedupeKey}:${recipient.id}`, template: request.template, to: { email: recipient.email, name: recipient.displayName }, params: params as never });
      }
    }
    const { stored, outbox } = await this.deps.db.transaction(async (trx) => ({
      stored: await this.repository.insert(notifications, trx),
      outbox: await this.deps.emails.enqueue(emails, trx),
    }));
    const created = stored.filter((entry) => entry.created).map((entry) => entry.row);
    await Promise.all(created.map((row) => this.push(row)));
    return { created, emailIds: outbox.map((row) => row.id) };
  }

  /** Best effort: a socket that misses the push finds the notification in GET /api/notifications. */
  private async push(row: NotificationRow): Promise<void> {
    const message: NotificationCreated = { userId: row.userId, notification: notificationView(row) };
    try {
      await this.deps.redis.publish(CHANNELS.notificationCreated, JSON.stringify(message));
    } catch (error) {
      this.deps.warn('notification push failed; clients catch up over REST', { notificationId: row.id, error: (error as Error).message });
    }
  }
}

/** The params in the recipient's own words: their name, role, language and time zone. */
function personal(params: Record<string, unknown>, recipient: Recipient): Record<string, unknown> {
  return { ...params, recipientName: recipient.displayName, role: recipient.role, language: recipient.language, timeZone: recipient.timeZone };
}
