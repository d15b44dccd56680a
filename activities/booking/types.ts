/**
 * The booking workflow's view of its side effects. Workflows import this file as types only; the
 * implementations (activities/booking/activities.ts) are built by a factory from injected clients.
 */
import type { BookingStatus } from '../../domain/booking-status.js';

export interface TransitionRecord {
  bookingId: string;
  from: BookingStatus | null;
  to: BookingStatus;
  /** ISO instant of the transition in workflow time, so a retried activity writes the same row. */
  at: string;
  actor: 'student' | 'tutor' | 'admin' | 'system';
  actorId?: string;
  reason?: string;
}

export interface BookingActivities {
  /** Writes the booking's status to the read model and appends to its event log; idempotent by (bookingId, to). */
  recordTransition(record: TransitionRecord): Promise<void>;
}
