/**
 * The audit log's queries: admin actions on users and reviews (admin_actions), and the one list
 * that merges them with admins' booking events. Both tables draw ids from one sequence, so a single
 * keyset (at, id) pages through the merged list.
 */
import type { Knex } from 'knex';
import { AdminAction } from '../models/admin-action.js';

export type NewAdminAction = Pick<AdminAction, 'adminId' | 'type' | 'reason'> & Partial<Pick<AdminAction, 'userId' | 'reviewId' | 'data' | 'idempotencyKey' | 'requestHash'>>;

/** One line of the audit log, whichever table it comes from. */
export interface AuditEntry {
  id: string;
  at: Date;
  adminId: string | null;
  type: string;
  bookingId: string | null;
  userId: string | null;
  reviewId: string | null;
  data: Record<string, unknown>;
}

export interface AuditFilter {
  /** Only what concerns this user: actions on the account, and admin booking events of their bookings. */
  userId?: string;
  before?: { at: Date; id: string };
}

export class AdminActionRepository {
  constructor(private readonly db: Knex) {}

  async insert(action: NewAdminAction, trx?: Knex.Transaction): Promise<AdminAction> {
    // Millisecond timestamps: the audit log's keyset cursor carries a JavaScript Date.
    return AdminAction.query(trx ?? this.db).insert({ data: {}, ...action, at: new Date() }).returning('*');
  }

  async findByKey(adminId: string, idempotencyKey: string, trx?: Knex.Transaction): Promise<AdminAction | undefined> {
    return AdminAction.query(trx ?? this.db).findOne({ admin_id: adminId, idempotency_key: idempotencyKey });
  }

  /** Newest first: admins' booking events and their actions on users and reviews. */
  async auditLog(limit: number, filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const { userId, before } = filter;
    const bookingEvents = this.db
      .from('booking_events as e')
      .select(
        'e.id',
        'e.at',
        this.db.raw('e.actor_id as admin_id'),
        'e.type',
        this.db.raw('e.booking_id'),
        this.db.raw('null::uuid as user_id'),
        this.db.raw('null::uuid as review_id'),
        'e.data',
      )
      .where('e.actor', 'admin');
    if (userId) bookingEvents.whereIn('e.booking_id', this.db('bookings').select('id').where('student_id', userId).orWhere('tutor_id', userId));
    const actions = this.db.from('admin_actions as a').select('a.id', 'a.at', 'a.admin_id', 'a.type', this.db.raw('null::uuid as booking_id'), 'a.user_id', 'a.review_id', this.db.raw("a.data || jsonb_build_object('reason', a.reason) as data"));
    if (userId) actions.where('a.user_id', userId);
    const query = this.db
      .from(bookingEvents.unionAll(actions, true).as('log'))
      .select('*')
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    if (before) query.whereRaw('(at, id) < (?, ?)', [before.at, before.id]);
    const rows = (await query) as { id: string; at: Date; admin_id: string | null; type: string; booking_id: string | null; user_id: string | null; review_id: string | null; data: Record<string, unknown> }[];
    return rows.map((row) => ({ id: String(row.id), at: row.at, adminId: row.admin_id, type: row.type, bookingId: row.booking_id, userId: row.user_id, reviewId: row.review_id, data: row.data }));
  }
}
