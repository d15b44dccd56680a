import type { Knex } from 'knex';
import { LIVE_STATUSES } from '../../domain/booking-status.js';

/** The time a live booking holds: from its start until its end plus the tutor's buffer. */
export interface HeldTime {
  tutorId: string;
  sessionStart: Date;
  blockedUntil: Date;
}

/**
 * Read-only view of bookings for availability: which of the tutors' time live bookings hold. Live
 * means the same statuses the bookings table's exclusion constraint protects.
 */
export class BookedTimeRepository {
  constructor(private readonly db: Knex) {}

  /** Held ranges that overlap [from, to). */
  async heldBetween(tutorIds: readonly string[], from: Date, to: Date, trx?: Knex.Transaction): Promise<HeldTime[]> {
    if (tutorIds.length === 0) return [];
    const rows = await (trx ?? this.db)('bookings')
      .select('tutor_id', 'session_start', 'blocked_until')
      .whereIn('tutor_id', tutorIds)
      .whereIn('status', LIVE_STATUSES)
      .where('session_start', '<', to)
      .where('blocked_until', '>', from)
      .orderBy(['tutor_id', 'session_start']);
    return rows.map((row) => ({ tutorId: row.tutor_id, sessionStart: row.session_start, blockedUntil: row.blocked_until }));
  }
}
