/** The admin console's users (search, suspend, ban, reinstate) and the audit log of every admin action. */
import type { AdminUserService, AdminUserView, StatusAction } from '../../../services/admin/admin-user-service.js';
import { decodeCursor, encodeCursor } from '../../cursor.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import { AdminActionHeaders, AdminUserListSchema, AdminUserSchema, AuditLogQuery, AuditLogSchema, StatusChangeBody, UserIdParams, UserListQuery } from './schemas.js';

const iso = (at: Date | null) => (at ? at.toISOString() : null);

function toView({ user, openBookings }: AdminUserView) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    status: user.status,
    statusReason: user.statusReason,
    statusChangedAt: iso(user.statusChangedAt),
    statusChangedBy: user.statusChangedBy,
    emailVerified: user.emailVerifiedAt !== null,
    createdAt: user.createdAt.toISOString(),
    openBookings,
  };
}

const STATUS_ACTIONS: { action: StatusAction; operationId: string; summary: string; description: string }[] = [
  {
    action: 'suspend',
    operationId: 'adminSuspendUser',
    summary: 'Suspend an account (admins), with a reason',
    description:
      'The account can no longer sign in: every session and refresh token is revoked at once, its access tokens stop on their next use, and its open WebSockets close with 4003 on every realtime instance; login and refresh answer 401 with `accountStatus`. A suspended tutor leaves the search; their bookings stay (see `openBookings`). 409 unless the account is active, or when it is your own.',
  },
  {
    action: 'ban',
    operationId: 'adminBanUser',
    summary: 'Ban an account (admins), with a reason',
    description: 'As a suspension, meant to stay (an admin can still lift a mistaken ban with unsuspend). 409 when the account is already banned or deleted, or is your own.',
  },
  {
    action: 'unsuspend',
    operationId: 'adminUnsuspendUser',
    summary: 'Lift a suspension or ban (admins), with a reason',
    description: 'The account can sign in again (its old sessions stay ended). 409 unless it is suspended or banned.',
  },
];

export function adminRoutes(users: AdminUserService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/admin/users',
      operationId: 'adminListUsers',
      summary: 'Search users (admins): by email or name, role and status, newest first',
      description: 'Keyset pages: follow nextCursor.',
      tags: ['admin'],
      access: 'admin',
      query: UserListQuery,
      responses: { 200: { description: 'A page of users', schema: AdminUserListSchema } },
      handler: async (ctx, { query }) => {
        const { cursor, ...search } = query;
        const views = await users.list(ctx.state.principal!, { ...search, ...(cursor ? { before: decodeCursor(cursor, 'uuid') } : {}) });
        const last = views.at(-1);
        ctx.body = {
          items: views.map(toView),
          nextCursor: last && views.length === query.limit ? encodeCursor({ at: last.user.createdAt, id: last.user.id }) : null,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/users/:id',
      operationId: 'adminGetUser',
      summary: 'One user (admins), with the bookings still open',
      tags: ['admin'],
      access: 'admin',
      params: UserIdParams,
      responses: { 200: { description: 'The user', schema: AdminUserSchema } },
      errors: [404],
      handler: async (ctx, { params }) => {
        ctx.body = toView(await users.get(ctx.state.principal!, params.id));
      },
    }),
    ...STATUS_ACTIONS.map(({ action, operationId, summary, description }) =>
      defineRoute({
        method: 'post',
        path: `/api/admin/users/:id/${action}`,
        operationId,
        summary,
        description: `${description} The Idempotency-Key is required: the same key is the same action (another action or reason with it is 422). Recorded in the audit log.`,
        tags: ['admin'],
        access: 'admin',
        headers: AdminActionHeaders,
        params: UserIdParams,
        body: StatusChangeBody,
        responses: { 200: { description: 'The user after the change', schema: AdminUserSchema } },
        errors: [404, 409, 422],
        handler: async (ctx, { params, body, headers }) => {
          ctx.body = toView(await users.changeStatus(ctx.state.principal!, params.id, action, body.reason, headers['idempotency-key']!));
        },
      }),
    ),
    defineRoute({
      method: 'get',
      path: '/api/admin/audit-log',
      operationId: 'getAdminAuditLog',
      summary: 'Every admin action, newest first: on bookings, users and reviews',
      tags: ['admin'],
      access: 'admin',
      query: AuditLogQuery,
      responses: { 200: { description: 'A page of admin actions', schema: AuditLogSchema } },
      handler: async (ctx, { query }) => {
        const before = query.cursor ? decodeCursor(query.cursor, 'bigint') : undefined;
        const entries = await users.auditLog(ctx.state.principal!, query.limit, { ...(query.userId ? { userId: query.userId } : {}), ...(before ? { before } : {}) });
        const last = entries.at(-1);
        ctx.body = {
          items: entries.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
          nextCursor: last && entries.length === query.limit ? encodeCursor({ at: last.at, id: last.id }) : null,
        };
      },
    }),
  ];
}
