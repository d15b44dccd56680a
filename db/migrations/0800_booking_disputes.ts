import type { Knex } from 'knex';

/**
 * A student's report of a problem with a lesson (within the payout hold), as the booking workflow
 * records it: one per booking, open until an admin decides how much goes back to the student. The
 * workflow is the only writer (activity recordDispute); admins list the open ones, oldest first,
 * through the partial index.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table booking_disputes (
      booking_id uuid primary key references bookings (id) on delete cascade,
      student_id uuid not null references users (id),
      tutor_id uuid not null references users (id),
      reason text not null,
      text text not null,
      attachment_file_id uuid references files (id) on delete set null,
      opened_at timestamptz not null,
      refund_minor integer check (refund_minor >= 0),
      decided_by uuid references users (id),
      decision_reason text,
      decided_at timestamptz,
      constraint booking_disputes_decision_whole check (
        (decided_at is null) = (refund_minor is null) and (decided_at is null) = (decided_by is null)
      )
    )
  `);
  await knex.raw('create index booking_disputes_open_idx on booking_disputes (opened_at) where decided_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists booking_disputes');
}
