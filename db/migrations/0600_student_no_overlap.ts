import type { Knex } from 'knex';

/**
 * A student cannot be in two lessons at once, enforced by Postgres like the tutor's time
 * (bookings_no_overlap): a live booking holds the student's time from its start to its end (the
 * tutor's buffer is the tutor's, not the student's), and the exclusion constraint refuses another
 * live booking of the same student that overlaps it. Of two racing requests with two tutors for
 * one student exactly one insert (or reschedule) succeeds; the repository tells the two apart by
 * the constraint's name.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table bookings add constraint bookings_student_no_overlap
      exclude using gist (student_id with =, tstzrange(session_start, session_end, '[)') with &&)
      where (status in ('PENDING_PAYMENT', 'REQUESTED', 'SCHEDULED', 'ACTIVE'))
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table bookings drop constraint if exists bookings_student_no_overlap');
}
