/**
 * What a booking is agreed to be — who, when, at what price, on which terms — declared once. The
 * workflow's input extends it, the activity that holds the time takes it, and the read model's row
 * is built from it (db/repositories/booking-repository.ts keeps the row's own shape, with Dates).
 */
import type { CancellationPolicy } from './cancellation-policy.js';

export interface BookingTerms {
  bookingId: string;
  tutorId: string;
  studentId: string;
  /** ISO instants (UTC); the zone is the student's, for emails. */
  sessionStart: string;
  sessionEnd: string;
  timeZone: string;
  /** The tutor's buffer after a lesson, held with it so no other lesson starts inside it. */
  bufferMinutes: number;
  priceMinor: number;
  currency: string;
  commissionBps: number;
  cancellationPolicy: CancellationPolicy;
  /** The tutor takes bookings without answering them: the request is accepted as soon as the card is. */
  instant: boolean;
  /** When an unanswered request expires: min(request TTL, start − the tutor's minimum notice). */
  requestExpiresAt: string;
  idempotencyKey: string;
  /** Hash of the request body, so a reused Idempotency-Key with another body is refused. */
  requestHash: string;
  /** How the lesson is paid (absent: by card); a credit names its package. */
  paidWith?: PaidWith;
  packageId?: string;
}

export const PAID_WITH = ['card', 'credit', 'trial'] as const;
export type PaidWith = (typeof PAID_WITH)[number];

/** The terms alone, from anything that carries them (e.g. the workflow's input). */
export function termsOf(source: BookingTerms): BookingTerms {
  const { bookingId, tutorId, studentId, sessionStart, sessionEnd, timeZone, bufferMinutes, priceMinor, currency, commissionBps, cancellationPolicy, instant, requestExpiresAt, idempotencyKey, requestHash } = source;
  const { paidWith, packageId } = source;
  return {
    ...{ bookingId, tutorId, studentId, sessionStart, sessionEnd, timeZone, bufferMinutes, priceMinor, currency, commissionBps, cancellationPolicy, instant, requestExpiresAt, idempotencyKey, requestHash },
    ...(paidWith ? { paidWith } : {}),
    ...(packageId ? { packageId } : {}),
  };
}
