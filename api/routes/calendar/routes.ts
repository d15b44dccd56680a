import type { Context } from 'koa';
import type { CalendarLinkService } from '../../../services/calendar-links/calendar-link-service.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import { CalendarCallbackQuerySchema, CalendarConnectedSchema, CalendarConnectStartSchema, CalendarLinkSchema } from './schemas.js';

const TAGS = ['calendar'];

/** The consent URL carries a single-use state: no cache may keep it. */
function noStore(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
}

export function calendarRoutes(calendarLinks: CalendarLinkService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/me/calendar',
      operationId: 'getMyCalendar',
      summary: 'Whether my Google Calendar is connected',
      description: 'Lessons are written to a connected calendar when they are scheduled, and removed when cancelled.',
      tags: TAGS,
      access: 'user',
      responses: { 200: { description: 'The connection', schema: CalendarLinkSchema } },
      handler: async (ctx) => {
        ctx.body = await calendarLinks.status(ctx.state.principal!);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/me/calendar',
      operationId: 'disconnectMyCalendar',
      summary: 'Disconnect my Google Calendar',
      description: 'Forgets the grant and asks Google to revoke it. Lessons already written stay in the calendar. Succeeds when nothing was connected.',
      tags: TAGS,
      access: 'user',
      responses: { 204: { description: 'Disconnected' } },
      handler: async (ctx) => {
        await calendarLinks.disconnect(ctx.state.principal!);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me/calendar/google/start',
      operationId: 'startCalendarConnection',
      summary: "Begin connecting my Google Calendar: returns Google's consent URL",
      description: 'Asks for offline access to calendar events. The URL carries a single-use state bound to the caller and a PKCE verifier; the connection must finish before expiresAt.',
      tags: TAGS,
      access: 'user',
      responses: { 200: { description: 'Where to send the browser', schema: CalendarConnectStartSchema } },
      errors: [503],
      handler: async (ctx) => {
        noStore(ctx);
        ctx.body = await calendarLinks.start(ctx.state.principal!);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me/calendar/google/callback',
      operationId: 'finishCalendarConnection',
      summary: 'Where Google sends the browser back: stores the calendar grant',
      description:
        "Public: the browser comes back without the access token, and the state says whose calendar it is. A token, if sent, must be the same user's. An unknown, used or expired state is 400; a grant without a refresh token or without calendar access is 409 (connect again).",
      tags: TAGS,
      access: 'public',
      query: CalendarCallbackQuerySchema,
      responses: { 200: { description: 'Connected', schema: CalendarConnectedSchema } },
      errors: [401, 409, 503],
      handler: async (ctx, { query }) => {
        noStore(ctx);
        ctx.body = await calendarLinks.finish(query, ctx.state.principal);
      },
    }),
  ];
}
