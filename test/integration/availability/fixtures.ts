/**
 * Tutors and bookings for availability and search tests, written straight to the database: the
 * profile and booking flows have tests of their own, and these tests need many precise rows.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { BookingStatus } from '../../../domain/booking-status.js';
import type { Config } from '../../../domain/config.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { callApi } from '../../support/http.js';

export interface TutorOptions {
  timeZone?: string;
  lessonLengths?: number[];
  published?: boolean;
  hourlyRateMinor?: number;
  currency?: string;
  ratingAverage?: number | null;
  ratingCount?: number;
  verificationStatus?: 'unverified' | 'pending' | 'verified' | 'rejected';
  subjects?: string[];
  languages?: string[];
  createdAt?: Date;
  displayName?: string;
}

export async function createTestTutor(db: Knex, config: Config, options: TutorOptions = {}): Promise<TestUser> {
  const user = await createTestUser(db, config, 'tutor', options.displayName ? { displayName: options.displayName } : {});
  await db('tutor_profiles').insert({
    user_id: user.id,
    headline: `Headline of ${user.displayName}`,
    bio: 'A bio.',
    hourly_rate_minor: options.hourlyRateMinor ?? 3_000,
    currency: options.currency ?? 'USD',
    lesson_lengths: options.lessonLengths ?? [60],
    time_zone: options.timeZone ?? 'UTC',
    verification_status: options.verificationStatus ?? 'unverified',
    rating_average: options.ratingAverage ?? null,
    rating_count: options.ratingCount ?? (options.ratingAverage == null ? 0 : 10),
    published: options.published ?? true,
    ...(options.createdAt ? { created_at: options.createdAt } : {}),
  });
  if (options.subjects?.length) {
    await db('tutor_subjects').insert(options.subjects.map((subject_id) => ({ tutor_id: user.id, subject_id })));
  }
  if (options.languages?.length) {
    await db('tutor_languages').insert(options.languages.map((language) => ({ tutor_id: user.id, language })));
  }
  return user;
}

export interface BookingRow {
  tutorId: string;
  studentId: string;
  start: Date;
  end: Date;
  blockedUntil?: Date;
  status: BookingStatus;
}

/** A bookings row as the booking workflow would have written it. */
export async function insertBooking(db: Knex, booking: BookingRow): Promise<string> {
  const id = randomUUID();
  await db('bookings').insert({
    id,
    tutor_id: booking.tutorId,
    student_id: booking.studentId,
    status: booking.status,
    session_start: booking.start,
    session_end: booking.end,
    blocked_until: booking.blockedUntil ?? booking.end,
    time_zone: 'UTC',
    price_minor: 3_000,
    currency: 'USD',
    commission_bps: 1_500,
    cancellation_policy: 'moderate',
    request_expires_at: booking.start,
    idempotency_key: id,
    request_hash: 'test',
  });
  return id;
}

export const send = (baseUrl: string, method: string, path: string, user: TestUser | undefined, body?: unknown) => callApi(baseUrl, method, path, { user, body });

/** A UTC calendar date `days` after today. */
export function utcDateFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
