/** Rows the realtime tests need that other parts of the system own: bookings and uploaded files. */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** A booking of the pair in `status`, as the booking workflow would have written it. */
export async function insertBooking(db: Knex, pair: { studentId: string; tutorId: string }, status: string): Promise<string> {
  const id = randomUUID();
  const start = new Date(Date.now() + 7 * 86_400_000 + Math.floor(Math.random() * 1_000) * 3_600_000);
  const end = new Date(start.getTime() + 3_600_000);
  await db('bookings').insert({
    id,
    student_id: pair.studentId,
    tutor_id: pair.tutorId,
    status,
    payment_status: 'captured',
    session_start: start,
    session_end: end,
    blocked_until: end,
    time_zone: 'UTC',
    price_minor: 4500,
    currency: 'EUR',
    commission_bps: 1500,
    cancellation_policy: 'moderate',
    request_expires_at: start,
    idempotency_key: randomUUID(),
    request_hash: 'test',
  });
  return id;
}

/** A file row as the files service leaves it after a confirmed upload. */
export async function insertFile(db: Knex, ownerId: string, overrides: { purpose?: string; status?: string } = {}): Promise<string> {
  const id = randomUUID();
  await db('files').insert({
    id,
    owner_id: ownerId,
    purpose: overrides.purpose ?? 'message_attachment',
    object_key: `test/${id}`,
    content_type: 'application/pdf',
    declared_size: 1234,
    original_filename: 'worksheet.pdf',
    status: overrides.status ?? 'ready',
    confirmed_at: new Date(),
  });
  return id;
}
