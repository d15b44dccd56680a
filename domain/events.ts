/**
 * Events one part of the system publishes for another over Redis pub/sub. The channel names and
 * payloads are a contract between processes (API, worker, realtime servers), so they live here once.
 */
import type { NotificationKind } from './notifications.js';

export const CHANNELS = {
  /** A tutor's bookable time changed: rules, overrides, or a booking that takes or frees time. */
  availabilityChanged: 'tutorflow:availability-changed',
  /** A sign-in session ended (logout, refresh-token reuse, account suspended or deleted): its sockets must close. */
  sessionRevoked: 'tutorflow:session-revoked',
  /** A notification was stored for a person: every realtime instance pushes it to their sockets. */
  notificationCreated: 'tutorflow:notification-created',
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

/** The stored notification as clients see it (services/notifications/views.ts describes it). */
export interface NotificationCreated {
  userId: string;
  notification: {
    id: string;
    kind: NotificationKind;
    title: string;
    body: string;
    data: Record<string, unknown>;
    readAt: string | null;
    createdAt: string;
  };
}
