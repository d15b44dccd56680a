/** The admin console's queries on users: search and page, read with counts, change an account's status. */
import type { Knex } from 'knex';
import { LIVE_STATUSES } from '../../domain/booking-status.js';
import { User, type AccountStatus, type Role } from '../models/user.js';

export interface UserSearch {
  /** Part of the email or the display name, case-insensitive. */
  q?: string;
  role?: Role;
  status?: AccountStatus;
  limit: number;
  /** Keyset position (created_at, id) of the last user of the previous page. */
  before?: { at: Date; id: string };
}

/** The bookings an admin must look at before or after acting on an account. */
export interface OpenBookingCounts {
  /** Holding time: PENDING_PAYMENT, REQUESTED, SCHEDULED, ACTIVE. */
  live: number;
  /** Ended, paid, and neither paid out nor fully refunded: money still to settle. */
  unsettled: number;
}

/** Escapes LIKE's wildcards so a search for "a_b" matches an underscore, not any character. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

export class AdminUserRepository {
  constructor(private readonly db: Knex) {}

  async search({ q, role, status, limit, before }: UserSearch): Promise<User[]> {
    const query = User.query(this.db)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    if (q) query.where((where) => where.whereILike('email', likePattern(q)).orWhereILike('display_name', likePattern(q)));
    if (role) query.where('role', role);
    if (status) query.where('status', status);
    if (before) query.whereRaw('(created_at, id) < (?, ?)', [before.at, before.id]);
    return query;
  }

  async findByIds(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    return User.query(this.db).whereIn('id', ids);
  }

  async findForUpdate(id: string, trx: Knex.Transaction): Promise<User | undefined> {
    return User.query(trx).findById(id).forUpdate();
  }

  async setStatus(id: string, change: { status: AccountStatus; reason: string | null; by: string | null; at: Date }, trx: Knex.Transaction): Promise<User> {
    return User.query(trx).patchAndFetchById(id, {
      status: change.status,
      statusReason: change.reason,
      statusChangedAt: change.at,
      statusChangedBy: change.by,
      disabledAt: change.status === 'active' ? null : change.at,
      updatedAt: change.at,
    });
  }

  /** Per user: live bookings, and ended ones whose money is not settled (payout or refund still to come). */
  async openBookingCounts(userIds: readonly string[], trx?: Knex.Transaction): Promise<Map<string, OpenBookingCounts>> {
    const counts = new Map<string, OpenBookingCounts>(userIds.map((id) => [id, { live: 0, unsettled: 0 }]));
    if (userIds.length === 0) return counts;
    const db = trx ?? this.db;
    const parties = db
      .from('bookings')
      .select('student_id as user_id', 'status', 'payment_status', 'paid_out_minor', 'attention_reason')
      .whereIn('student_id', userIds)
      .unionAll((union) => union.from('bookings').select('tutor_id as user_id', 'status', 'payment_status', 'paid_out_minor', 'attention_reason').whereIn('tutor_id', userIds));
    const rows = (await db
      .from(parties.as('b'))
      .select('user_id')
      .select(db.raw('(count(*) filter (where status = any(?)))::int as live', [[...LIVE_STATUSES]]))
      .select(db.raw(`(count(*) filter (where status = 'ENDED' and (attention_reason is not null or (payment_status in ('captured', 'partially_refunded') and paid_out_minor = 0))))::int as unsettled`))
      .groupBy('user_id')) as { user_id: string; live: number; unsettled: number }[];
    for (const row of rows) counts.set(row.user_id, { live: row.live, unsettled: row.unsettled });
    return counts;
  }
}
