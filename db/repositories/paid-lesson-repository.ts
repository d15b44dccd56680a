import type { Knex } from 'knex';

/** Booking states in which the lesson has been paid for: payment is captured when the tutor accepts. */
export const PAID_LESSON_STATUSES = ['SCHEDULED', 'ACTIVE', 'ENDED'] as const;

/** Reads the bookings table (owned by the booking workflow) for what messaging needs to know. */
export class PaidLessonRepository {
  constructor(private readonly db: Knex) {}

  async exists(studentId: string, tutorId: string, trx?: Knex.Transaction): Promise<boolean> {
    const row = await (trx ?? this.db)('bookings')
      .where({ student_id: studentId, tutor_id: tutorId })
      .whereIn('status', PAID_LESSON_STATUSES)
      .first('id');
    return row !== undefined;
  }
}
