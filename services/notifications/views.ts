/**
 * What the REST API and the realtime protocol show of notifications, as zod schemas: the OpenAPI
 * document and the realtime protocol document are both generated from them.
 */
import { z } from 'zod';
import { LANGUAGES, NOTIFICATION_KINDS } from '../../domain/notifications.js';

export const NotificationKindSchema = z.enum(NOTIFICATION_KINDS).meta({ id: 'NotificationKind', description: 'What the notification is about; preferences are chosen per kind' });

export const NotificationSchema = z
  .object({
    id: z.uuid(),
    kind: NotificationKindSchema,
    title: z.string().describe('In the recipient’s language'),
    body: z.string().describe('In the recipient’s language; times in the recipient’s own time zone'),
    data: z.record(z.string(), z.unknown()).describe('Ids to link to: bookingId, reviewId, conversationId, packageId'),
    readAt: z.iso.datetime().nullable().describe('When the recipient marked it read; null while unread'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Notification' });

export const LanguageSchema = z.enum(LANGUAGES).meta({ id: 'Language', description: 'The language of a person’s emails and notifications' });

export const KindPreferenceSchema = z
  .object({
    kind: NotificationKindSchema,
    inApp: z.boolean().describe('Stored, listed and pushed over the WebSocket'),
    email: z.boolean().describe('Sent by email (always true for kinds whose email is required)'),
    emailRequired: z.boolean().describe('Security emails always go, whatever the preference'),
  })
  .meta({ id: 'NotificationKindPreference' });

export const NotificationPreferencesSchema = z
  .object({
    language: LanguageSchema,
    timeZone: z.string().describe('The zone emails show times in: your tutor or student profile’s (change it there), else your account’s'),
    kinds: z.array(KindPreferenceSchema),
  })
  .meta({ id: 'NotificationPreferences' });

export type NotificationView = z.infer<typeof NotificationSchema>;
export type NotificationPreferencesView = z.infer<typeof NotificationPreferencesSchema>;
