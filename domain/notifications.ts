/**
 * What a person can be told about, in which languages, and which channels they may turn off. The
 * kinds are a contract: stored in rows and preferences, named in the API and the realtime protocol,
 * so a kind is never renamed. Anything that tells someone something calls
 * NotificationService.notify with one of these kinds (services/notifications/).
 */

export const NOTIFICATION_KINDS = [
  'booking.requested',
  'booking.accepted',
  'booking.declined',
  'booking.expired',
  'booking.cancelled',
  'booking.payment_failed',
  'lesson.reminder',
  'lesson.ended',
  'reschedule.proposed',
  'reschedule.answered',
  'refund.issued',
  'no_show.update',
  'dispute.update',
  'payout.sent',
  'payout.account_needed',
  'review.received',
  'message.received',
  'package.expiring',
  'series.week_taken',
  'account.security',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * Kinds whose email always goes, whatever the person's preferences say: someone acting on their
 * account must reach them (verification, password reset and sign-in alerts are of this class).
 */
export const MANDATORY_EMAIL_KINDS: ReadonlySet<NotificationKind> = new Set(['account.security']);

export const NOTIFICATION_CHANNELS = ['inApp', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export type ChannelPreferences = Record<NotificationChannel, boolean>;

/** What a person gets before they change anything: everything, in the app and by email. */
export const DEFAULT_CHANNELS: ChannelPreferences = { inApp: true, email: true };

/** The languages emails and notifications are written in; the first is everyone's default. */
export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function isNotificationKind(value: unknown): value is NotificationKind {
  return typeof value === 'string' && (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

/** The channels a person receives a kind on: their preference, with a mandatory email always on. */
export function effectiveChannels(kind: NotificationKind, preference: ChannelPreferences | undefined): ChannelPreferences {
  const chosen = preference ?? DEFAULT_CHANNELS;
  return { inApp: chosen.inApp, email: chosen.email || MANDATORY_EMAIL_KINDS.has(kind) };
}
