/**
 * A booking's lifecycle as pure rules, shared by the workflow (which enforces them) and the API
 * (which explains them). The workflow is the only writer of a booking's status.
 */
export const BOOKING_STATUSES = [
  'PENDING_PAYMENT', // the slot is held while the card is authorized (or the student finishes 3-D Secure)
  'REQUESTED',
  'SCHEDULED',
  'ACTIVE',
  'ENDED',
  'DECLINED',
  'EXPIRED',
  'CANCELLED',
  'PAYMENT_FAILED', // the card was declined or the student never finished the payment
] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Statuses that hold the tutor's time (the database's no-overlap constraint uses the same list). */
export const LIVE_STATUSES: readonly BookingStatus[] = ['PENDING_PAYMENT', 'REQUESTED', 'SCHEDULED', 'ACTIVE'];

const NEXT: Record<BookingStatus, readonly BookingStatus[]> = {
  PENDING_PAYMENT: ['REQUESTED', 'SCHEDULED', 'PAYMENT_FAILED', 'CANCELLED'],
  REQUESTED: ['SCHEDULED', 'DECLINED', 'EXPIRED', 'CANCELLED'],
  SCHEDULED: ['ACTIVE', 'CANCELLED'],
  ACTIVE: ['ENDED'],
  ENDED: [],
  DECLINED: [],
  EXPIRED: [],
  CANCELLED: [],
  PAYMENT_FAILED: [],
};

export function canTransition(from: BookingStatus, to: BookingStatus): boolean {
  return NEXT[from].includes(to);
}

export function isFinal(status: BookingStatus): boolean {
  return NEXT[status].length === 0;
}

/**
 * A request expires after the request TTL, or earlier when waiting longer would leave the tutor
 * less than the minimum notice before the lesson starts.
 */
export function requestExpiresAt(requestedAt: Date, sessionStart: Date, requestTtlMs: number, minimumNoticeMs: number): Date {
  const byTtl = requestedAt.getTime() + requestTtlMs;
  const byNotice = sessionStart.getTime() - minimumNoticeMs;
  return new Date(Math.max(requestedAt.getTime(), Math.min(byTtl, byNotice)));
}
