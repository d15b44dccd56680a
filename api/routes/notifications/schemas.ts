import { z } from 'zod';
import { NOTIFICATION_KINDS } from '../../../domain/notifications.js';
import { KindPreferenceSchema, LanguageSchema, NotificationSchema } from '../../../services/notifications/views.js';
import { cursorQuery } from '../../cursor.js';

export const NotificationIdParams = z.object({ id: z.uuid().describe('The notification id') });

export const NotificationListQuery = z.object({
  cursor: cursorQuery('uuid').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  unread: z
    .enum(['true', 'false'])
    .default('false')
    .transform((text) => text === 'true')
    .describe('true: only the ones not read yet'),
});

export const NotificationListSchema = z
  .object({
    items: z.array(NotificationSchema),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last one'),
    unreadCount: z.number().int().describe('How many of all your notifications are unread'),
  })
  .meta({ id: 'NotificationList' });

export const UnreadCountSchema = z.object({ unreadCount: z.number().int() }).meta({ id: 'NotificationUnreadCount' });
export const MarkedReadSchema = z.object({ marked: z.number().int().describe('How many were unread and are read now'), unreadCount: z.number().int() }).meta({ id: 'NotificationsMarkedRead' });

export const UpdatePreferencesBody = z
  .strictObject({
    language: LanguageSchema.optional(),
    kinds: z
      .array(KindPreferenceSchema.omit({ emailRequired: true }).strict())
      .max(NOTIFICATION_KINDS.length)
      .optional()
      .describe('The kinds to change; kinds left out keep their setting'),
  })
  .meta({ id: 'UpdateNotificationPreferences' });
