import { z } from 'zod';
import { ACCOUNT_STATUSES } from '../../../domain/account-status.js';

const ROLES = ['student', 'tutor', 'admin'] as const;
import { cursorQuery } from '../../cursor.js';

const instant = z.iso.datetime({ offset: true }).describe('An ISO 8601 instant');
const uuid = z.uuid();

export const UserIdParams = z.object({ id: uuid.describe('The user id') });

export const UserListQuery = z.object({
  q: z.string().trim().min(1).max(200).optional().describe('Part of the email address or the display name, case-insensitive'),
  role: z.enum(ROLES).optional(),
  status: z.enum(ACCOUNT_STATUSES).optional(),
  cursor: cursorQuery('uuid').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const AdminUserSchema = z
  .object({
    id: uuid,
    email: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    status: z.enum(ACCOUNT_STATUSES).describe('active; suspended or banned by an admin (cannot sign in); deleted at the owner’s request'),
    statusReason: z.string().nullable().describe('The admin’s reason for a suspension or ban'),
    statusChangedAt: instant.nullable(),
    statusChangedBy: uuid.nullable().describe('The admin who changed the status last'),
    emailVerified: z.boolean(),
    createdAt: instant,
    openBookings: z
      .object({
        live: z.number().int().describe('Bookings holding time: pending payment, requested, scheduled, in progress'),
        unsettled: z.number().int().describe('Ended lessons whose money is not settled yet (payout to come, or waiting for an admin)'),
      })
      .describe('List them with GET /api/bookings?tutorId= or ?studentId='),
  })
  .meta({ id: 'AdminUser' });

export const AdminUserListSchema = z.object({ items: z.array(AdminUserSchema), nextCursor: z.string().nullable() }).meta({ id: 'AdminUserList' });

export const StatusChangeBody = z.strictObject({ reason: z.string().trim().min(1).max(500).describe('Why (kept in the audit log; shown to admins)') });

/** Admin actions on accounts take the same required key as admin money actions. */
export { AdminIdempotencyHeaders as AdminActionHeaders } from '../bookings/schemas.js';

export const AuditLogQuery = z.object({
  userId: uuid.optional().describe('Only what concerns this user: actions on the account and on their bookings'),
  cursor: cursorQuery('bigint').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const AuditLogSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string().describe('The entry’s id (unique across the log)'),
        type: z.string().describe('e.g. booking.cancelled, refund.requested, review.hidden, user.suspended, user.banned, user.unsuspended'),
        at: instant,
        adminId: z.string().nullable(),
        bookingId: uuid.nullable().describe('The booking acted on (booking actions)'),
        userId: uuid.nullable().describe('The account acted on (user actions)'),
        reviewId: uuid.nullable().describe('The review acted on (review actions recorded apart from a booking)'),
        data: z.record(z.string(), z.unknown()).describe('What the action carried: the reason, amounts, the previous status'),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'AdminAuditLog' });
