/**
 * A person's notifications: what is listed, read and chosen is always the caller's own (someone
 * else's notification is a 404). `notify` is how any part of the system tells people something:
 * one call stores, pushes and emails by each recipient's preferences, language and time zone.
 *
 * For the packages work, e.g.:
 *   notifications.notify([{ userId: studentId, kind: 'package.expiring', dedupeKey: `package:${id}:expiring-30d`,
 *     template: 'package-expiring', params: { packageId: id, remainingLessons, expiresAt }, data: { packageId: id } }])
 */
import type { NotificationRepository, NotificationRow } from '../../db/repositories/notification-repository.js';
import { AppError } from '../../domain/errors.js';
import { effectiveChannels, MANDATORY_EMAIL_KINDS, NOTIFICATION_KINDS, type ChannelPreferences, type Language, type NotificationKind } from '../../domain/notifications.js';
import type { Principal } from '../../domain/principal.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import { notificationView, type NotificationRequest, type Notifier } from '../../platform/notifications/notifier.js';
import type { NotificationPreferencesView, NotificationView } from './views.js';

export type { NotificationRequest } from '../../platform/notifications/notifier.js';

export interface NotificationServiceDependencies {
  repository: NotificationRepository;
  notifier: Notifier;
  emails: Pick<EmailSender, 'deliverSoon'>;
  /** Where a notification that could not be stored after its cause committed is reported. */
  warn: (message: string, meta: Record<string, unknown>) => void;
}

/** A message that reached someone with no connection open anywhere. */
export interface MessageWhileOffline {
  recipientId: string;
  senderId: string;
  conversationId: string;
  messageId: string;
  /** When the recipient was last connected (null: never): one notification per conversation per absence. */
  recipientLastSeenAt: string | null;
}

export interface NotificationPage {
  items: NotificationView[];
  /** The last item's position, when the page is full (there may be more). */
  next: { at: Date; id: string } | null;
}

export interface PreferencesChange {
  language?: Language | undefined;
  kinds?: ({ kind: NotificationKind } & ChannelPreferences)[] | undefined;
}

export class NotificationService {
  constructor(private readonly deps: NotificationServiceDependencies) {}

  /** Tells each recipient; returns the notifications stored now (a retry with the same keys stores none). */
  async notify(requests: readonly NotificationRequest[]): Promise<NotificationView[]> {
    const { created, emailIds } = await this.deps.notifier.notify(requests);
    this.deps.emails.deliverSoon(emailIds);
    return created.map(notificationView);
  }

  /** Tells someone offline that a message waits, once per conversation until they come back. Never throws. */
  async messageWhileOffline(event: MessageWhileOffline): Promise<void> {
    await this.afterCommit(async () => {
      const [sender] = await this.deps.repository.recipients([event.senderId]);
      return [
        {
          userId: event.recipientId,
          kind: 'message.received',
          dedupeKey: `message:${event.conversationId}:away-since:${event.recipientLastSeenAt ?? 'never'}`,
          template: 'message-received',
          params: { conversationId: event.conversationId, senderName: sender?.displayName ?? '' },
          data: { conversationId: event.conversationId, messageId: event.messageId },
        },
      ];
    });
  }

  /** Tells the tutor of a lesson its student reviewed it. Never throws. */
  async reviewReceived(review: { id: string; bookingId: string; tutorId: string; studentId: string; rating: number }): Promise<void> {
    await this.afterCommit(async () => {
      const [student] = await this.deps.repository.recipients([review.studentId]);
      return [
        {
          userId: review.tutorId,
          kind: 'review.received',
          dedupeKey: `review:${review.id}`,
          template: 'review-received',
          params: { reviewId: review.id, bookingId: review.bookingId, rating: review.rating, studentName: student?.displayName ?? '' },
          data: { reviewId: review.id, bookingId: review.bookingId },
        },
      ];
    });
  }

  async list(principal: Principal, options: { limit: number; unreadOnly: boolean; before?: { at: Date; id: string } | undefined }): Promise<NotificationPage> {
    const rows = await this.deps.repository.list(principal.userId, options);
    const last = rows.at(-1);
    return { items: rows.map(notificationView), next: last && rows.length === options.limit ? { at: last.createdAt, id: last.id } : null };
  }

  async markRead(principal: Principal, id: string): Promise<NotificationView> {
    const row: NotificationRow | undefined = await this.deps.repository.markRead(principal.userId, id);
    if (!row) throw AppError.notFound('Notification');
    return notificationView(row);
  }

  /**
   * For callers whose own change has already committed (a review, a message): a failure here must
   * not turn their success into an error, so it is reported, not thrown.
   */
  private async afterCommit(build: () => Promise<NotificationRequest[]>): Promise<void> {
    try {
      await this.notify(await build());
    } catch (error) {
      this.deps.warn('notification not stored', { error: (error as Error).message });
    }
  }

  async markAllRead(principal: Principal): Promise<number> {
    return this.deps.repository.markAllRead(principal.userId);
  }

  async unreadCount(principal: Principal): Promise<number> {
    return this.deps.repository.unreadCount(principal.userId);
  }

  async preferences(principal: Principal): Promise<NotificationPreferencesView> {
    const [[me], stored] = await Promise.all([this.deps.repository.recipients([principal.userId]), this.deps.repository.preferences([principal.userId])]);
    if (!me) throw AppError.notFound('Your account');
    const mine = stored.get(principal.userId);
    return {
      language: me.language,
      timeZone: me.timeZone,
      kinds: NOTIFICATION_KINDS.map((kind) => ({ kind, ...effectiveChannels(kind, mine?.get(kind)), emailRequired: MANDATORY_EMAIL_KINDS.has(kind) })),
    };
  }

  /** Changes the language and the listed kinds (others stay as they were). */
  async updatePreferences(principal: Principal, change: PreferencesChange): Promise<NotificationPreferencesView> {
    const refused = (change.kinds ?? []).filter((preference) => !preference.email && MANDATORY_EMAIL_KINDS.has(preference.kind));
    if (refused.length > 0) {
      throw new AppError('unprocessable', `Security emails cannot be turned off (${refused.map((preference) => preference.kind).join(', ')})`);
    }
    const kinds = change.kinds ?? [];
    if (new Set(kinds.map((preference) => preference.kind)).size !== kinds.length) throw AppError.invalidInput('Each kind may be listed once', [{ path: 'body.kinds', message: 'duplicate kind' }]);
    if (change.language) await this.deps.repository.setLanguage(principal.userId, change.language);
    await this.deps.repository.savePreferences(principal.userId, kinds);
    return this.preferences(principal);
  }
}
