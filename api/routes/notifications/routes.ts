/** A person's notifications (listed, read, counted) and their notification preferences and language. */
import type { NotificationService } from '../../../services/notifications/notification-service.js';
import { NotificationPreferencesSchema, NotificationSchema } from '../../../services/notifications/views.js';
import { decodeCursor, encodeCursor } from '../../cursor.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import { MarkedReadSchema, NotificationIdParams, NotificationListQuery, NotificationListSchema, UnreadCountSchema, UpdatePreferencesBody } from './schemas.js';

export function notificationRoutes(notifications: NotificationService): RouteSpec[] {
  const PREFERENCES = { 200: { description: 'Your language, time zone and the channels of each kind', schema: NotificationPreferencesSchema } };
  return [
    defineRoute({
      method: 'get',
      path: '/api/notifications',
      operationId: 'listNotifications',
      summary: 'Your notifications, newest first',
      description: 'Keyset pages: follow nextCursor. `unread=true` lists only the unread ones. New ones also arrive over the WebSocket as `notification.new`.',
      tags: ['notifications'],
      access: 'user',
      query: NotificationListQuery,
      responses: { 200: { description: 'A page of notifications', schema: NotificationListSchema } },
      handler: async (ctx, { query }) => {
        const principal = ctx.state.principal!;
        const before = query.cursor ? decodeCursor(query.cursor, 'uuid') : undefined;
        const [page, unreadCount] = await Promise.all([notifications.list(principal, { limit: query.limit, unreadOnly: query.unread, before }), notifications.unreadCount(principal)]);
        ctx.body = { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null, unreadCount };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/notifications/unread-count',
      operationId: 'countUnreadNotifications',
      summary: 'How many of your notifications are unread',
      tags: ['notifications'],
      access: 'user',
      responses: { 200: { description: 'The count', schema: UnreadCountSchema } },
      handler: async (ctx) => {
        ctx.body = { unreadCount: await notifications.unreadCount(ctx.state.principal!) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/notifications/:id/read',
      operationId: 'markNotificationRead',
      summary: 'Mark one of your notifications read',
      description: 'Marking it again keeps the first readAt. Someone else’s notification is a 404.',
      tags: ['notifications'],
      access: 'user',
      params: NotificationIdParams,
      responses: { 200: { description: 'The notification, read', schema: NotificationSchema } },
      errors: [404],
      handler: async (ctx, { params }) => {
        ctx.body = await notifications.markRead(ctx.state.principal!, params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/notifications/read-all',
      operationId: 'markAllNotificationsRead',
      summary: 'Mark all your notifications read',
      tags: ['notifications'],
      access: 'user',
      responses: { 200: { description: 'How many were marked', schema: MarkedReadSchema } },
      handler: async (ctx) => {
        const principal = ctx.state.principal!;
        ctx.body = { marked: await notifications.markAllRead(principal), unreadCount: await notifications.unreadCount(principal) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/notifications/preferences',
      operationId: 'getNotificationPreferences',
      summary: 'Your notification preferences, language and time zone',
      description: 'Every kind with its channels: in-app (stored, listed, pushed) and email. Kinds you never changed are on for both.',
      tags: ['notifications'],
      access: 'user',
      responses: PREFERENCES,
      handler: async (ctx) => {
        ctx.body = await notifications.preferences(ctx.state.principal!);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/notifications/preferences',
      operationId: 'updateNotificationPreferences',
      summary: 'Choose the channels of some kinds, and the language of your emails and notifications',
      description: 'Kinds left out keep their setting. Security emails (verification, password reset, sign-in alerts) always go: turning off `account.security` emails is a 422.',
      tags: ['notifications'],
      access: 'user',
      body: UpdatePreferencesBody,
      responses: PREFERENCES,
      errors: [422],
      handler: async (ctx, { body }) => {
        ctx.body = await notifications.updatePreferences(ctx.state.principal!, body);
      },
    }),
  ];
}
