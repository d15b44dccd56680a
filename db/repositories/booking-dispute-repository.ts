/**
 * The bookings' disputes (a student's reported problem with a lesson and the admin's decision), as
 * the booking workflow records them; admins list the open ones.
 */
import type { Knex } from 'knex';
import type { DisputeRecord } from '../../domain/booking-disputes.js';

export interface BookingDispute {
  bookingId: string;
  studentId: string;
  tutorId: string;
  reason: string;
  text: string;
  attachmentFileId: string | null;
  openedAt: Date;
  decision: { refundMinor: number; adminId: string; reason: string; at: Date } | null;
}

interface DisputeRow {
  booking_id: string;
  student_id: string;
  tutor_id: string;
  reason: string;
  text: string;
  attachment_file_id: string | null;
  opened_at: Date;
  refund_minor: number | null;
  decided_by: string | null;
  decision_reason: string | null;
  decided_at: Date | null;
}

export class BookingDisputeRepository {
  constructor(private readonly db: Knex) {}

  /** Idempotent by booking: a retried write, or the decision, lands on the one row. */
  async upsert(dispute: DisputeRecord, trx?: Knex.Transaction): Promise<void> {
    const { decision } = dispute;
    await (trx ?? this.db)('booking_disputes')
      .insert({
        booking_id: dispute.bookingId,
        student_id: dispute.studentId,
        tutor_id: dispute.tutorId,
        reason: dispute.reason,
        text: dispute.text,
        attachment_file_id: dispute.attachmentFileId ?? null,
        opened_at: new Date(dispute.at),
        refund_minor: decision?.refundMinor ?? null,
        decided_by: decision?.adminId ?? null,
        decision_reason: decision?.reason ?? null,
        decided_at: decision ? new Date(decision.at) : null,
      })
      .onConflict('booking_id')
      .merge(['refund_minor', 'decided_by', 'decision_reason', 'decided_at']);
  }

  /** Open disputes, oldest first (the admin's queue), keyset-paged by (opened_at, booking_id). */
  async listOpen(limit: number, after?: { at: Date; id: string }): Promise<BookingDispute[]> {
    const query = this.db<DisputeRow>('booking_disputes').whereNull('decided_at').orderBy([{ column: 'opened_at' }, { column: 'booking_id' }]).limit(limit);
    if (after) query.whereRaw('(opened_at, booking_id) > (?, ?)', [after.at, after.id]);
    return (await query).map(toDispute);
  }

  /** Whether a file is the attachment of a dispute on a booking this user is the tutor of. */
  async isAttachmentOfTutor(fileId: string, userId: string): Promise<boolean> {
    const row = await this.db('booking_disputes').where({ attachment_file_id: fileId, tutor_id: userId }).first('booking_id');
    return row !== undefined;
  }

  async isAttachment(fileId: string): Promise<boolean> {
    return (await this.db('booking_disputes').where({ attachment_file_id: fileId }).first('booking_id')) !== undefined;
  }
}

function toDispute(row: DisputeRow): BookingDispute {
  return {
    bookingId: row.booking_id,
    studentId: row.student_id,
    tutorId: row.tutor_id,
    reason: row.reason,
    text: row.text,
    attachmentFileId: row.attachment_file_id,
    openedAt: row.opened_at,
    decision:
      row.decided_at && row.refund_minor !== null && row.decided_by
        ? { refundMinor: row.refund_minor, adminId: row.decided_by, reason: row.decision_reason ?? '', at: row.decided_at }
        : null,
  };
}
