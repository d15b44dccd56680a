/**
 * Events one part of the system publishes for another over Redis pub/sub. The channel names and
 * payloads are a contract between processes (API, worker, realtime servers), so they live here once.
 */
export const CHANNELS = {
  /** A tutor's bookable time changed: rules, overrides, or a booking that takes or frees time. */
  availabilityChanged: 'tutorflow:availability-changed',
  /** A sign-in session ended (logout, refresh-token reuse, account suspended or deleted): its sockets must close. */
  sessionRevoked: 'tutorflow:session-revoked',
} as const;

export interface AvailabilityChanged {
  tutorId: string;
  reason: 'rules' | 'overrides' | 'settings' | 'booking';
  /** ISO instant. */
  changedAt: string;
}

export interface SessionRevoked {
  userId: string;
  sessionId: string;
}
