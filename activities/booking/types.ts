/**
 * The booking workflow's view of its side effects. Workflows import this file as types only; the
 * implementations are built by factories from injected clients (activities/booking/*.ts).
 *
 * Every activity can run twice without doing its thing twice: Postgres writes are keyed, Stripe
 * calls carry the idempotency key `<bookingId>:<step>` (and look the object up first where a retry
 * may come after Stripe forgot the key), emails go through an outbox row per message, Zoom and
 * Google calls are keyed by what the booking already stored.
 */
import type { DisputeRecord } from '../../domain/booking-disputes.js';
import type { BookingStatus } from '../../domain/booking-status.js';
import type { BookingTerms } from '../../domain/booking-terms.js';
import type { PaymentStatus } from '../../domain/payment-status.js';

/** Defined in domain; re-exported for the workflow code that imports it from here. */

export type Actor = 'student' | 'tutor' | 'admin' | 'system';

export interface TransitionRecord {
  bookingId: string;
  from: BookingStatus | null;
  to: BookingStatus;
  /** ISO instant of the transition in workflow time, so a retried activity writes the same row. */
  at: string;
  actor: Actor;
  actorId?: string;
  reason?: string;
}

/** Anything worth a line in the booking's timeline that is not a status change. */
export interface BookingEventRecord {
  bookingId: string;
  /** e.g. payment.authorized, payment.captured, refund.issued, payout.sent, meeting.created, reminder.sent */
  type: string;
  at: string;
  actor: Actor;
  actorId?: string;
  /** Unique per booking, so a retried activity writes the event once. */
  dedupeKey: string;
  data?: Record<string, unknown>;
}

export interface PaymentRecord {
  bookingId: string;
  paymentStatus: PaymentStatus;
  paymentIntentId?: string;
  chargeId?: string;
  transferId?: string;
  capturedMinor: number;
  refundedMinor: number;
  paidOutMinor: number;
}

// ---- money (Stripe) --------------------------------------------------------------------------

export interface AuthorizeInput {
  bookingId: string;
  studentId: string;
  amountMinor: number;
  currency: string;
  paymentMethodId: string;
  /** The student is not there (a weekly series books each week days ahead): no 3-D Secure can be asked. */
  offSession?: boolean;
  /**
   * The step in the idempotency key and metadata: 'authorize' (the default) for the lesson's
   * payment, `reprice-<n>:authorize` for a longer lesson's difference, which the student is not
   * there to confirm (3-D Secure is then a refusal, not a wait).
   */
  step?: string;
}

/** Capture or release of one PaymentIntent; `step` as in AuthorizeInput ('capture' / 'release' by default). */
export interface PaymentIntentStep {
  bookingId: string;
  paymentIntentId: string;
  step?: string;
}

export interface AuthorizeResult {
  paymentIntentId: string;
  /** authorized: the hold is in place; requires_action: the student must finish (3-D Secure); failed: declined. */
  status: 'authorized' | 'requires_action' | 'failed';
  /** What the frontend needs to finish a requires_action payment. */
  clientSecret?: string;
  failureMessage?: string;
}

export interface CaptureResult {
  chargeId: string;
  amountCapturedMinor: number;
}

export interface RefundInput {
  bookingId: string;
  paymentIntentId: string;
  amountMinor: number;
  /** Part of the idempotency key: each refund step of a booking is distinct (e.g. 'refund-cancel', 'refund-admin-<requestId>'). */
  step: string;
  reason: string;
}

export interface RefundResult {
  refundId: string;
  amountMinor: number;
}

export interface PayoutInput {
  bookingId: string;
  chargeId: string;
  tutorAccountId: string;
  amountMinor: number;
  currency: string;
  /** One transfer per charge: 'payout' (the default) for the lesson's charge, `reprice-<n>:payout` for a difference's. */
  step?: string;
}

export interface PayoutResult {
  transferId: string;
  amountMinor: number;
}

export interface ReverseTransferInput {
  bookingId: string;
  transferId: string;
  amountMinor: number;
  step: string;
}

export interface PayoutAccount {
  accountId: string;
  payoutsEnabled: boolean;
}

export type { DisputeRecord };

// ---- meetings and calendars -------------------------------------------------------------------

export interface MeetingInput {
  bookingId: string;
  topic: string;
  /** ISO instants. */
  start: string;
  end: string;
  timeZone: string;
}

export interface Meeting {
  meetingId: string;
  joinUrl: string;
}

export interface CalendarSyncInput {
  bookingId: string;
  /** The parties whose connected Google calendars should hold the lesson. */
  userIds: string[];
  summary: string;
  description: string;
  start: string;
  end: string;
  joinUrl?: string;
}

// ---- notifications ----------------------------------------------------------------------------

export interface NotifyInput {
  bookingId: string;
  /** The booking step, part of the outbox dedupe key: one email per recipient per step. */
  step: string;
  template: string;
  recipientUserIds: string[];
  params: Record<string, string | number>;
}

/** The booking's terms: the row that holds the tutor's time is written from them. */
export type ReserveInput = BookingTerms;

export interface BookingActivities {
  /**
   * Writes the booking row (PENDING_PAYMENT), which holds the tutor's time: the database's
   * exclusion constraints answer 'slot_taken' when a live booking of the tutor overlaps,
   * 'student_busy' when one of the student's own does. Idempotent by booking id.
   */
  reserveBooking(input: ReserveInput): Promise<'reserved' | 'slot_taken' | 'student_busy'>;
  /** Writes the booking's status to the read model and appends to its event log; idempotent by (bookingId, to, at). */
  recordTransition(record: TransitionRecord): Promise<void>;
  /** Appends to the booking's event log; idempotent by dedupeKey. */
  recordEvent(event: BookingEventRecord): Promise<void>;
  /** Keeps the read model's payment status and Stripe ids current. */
  recordPayment(input: PaymentRecord): Promise<void>;
  /** Moves the booking's times (and, repriced, its price) in the read model (reschedule), keeping its buffer; 'slot_taken' / 'student_busy' when the new time overlaps a live booking. */
  recordReschedule(input: { bookingId: string; sessionStart: string; sessionEnd: string; priceMinor?: number }): Promise<'moved' | 'slot_taken' | 'student_busy'>;
  /** Keeps the read model's meeting id and join link current (null when the meeting is gone). */
  recordMeeting(input: { bookingId: string; meetingId: string | null; joinUrl: string | null }): Promise<void>;
  /**
   * Keeps the read model's attention flag current (the failure policy): the oldest open reason and
   * since when, or null when nothing waits for an admin. Admins list bookings by it.
   */
  recordAttention(input: { bookingId: string; reason: string | null; since: string | null }): Promise<void>;
  /** Keeps the booking's dispute (a student's reported problem, and the admin's decision) in the read model; idempotent by booking id. */
  recordDispute(input: DisputeRecord): Promise<void>;
  /** Tells clients watching the tutor that booked time changed. */
  publishAvailabilityChanged(input: { tutorId: string }): Promise<void>;

  authorizePayment(input: AuthorizeInput): Promise<AuthorizeResult>;
  capturePayment(input: PaymentIntentStep): Promise<CaptureResult>;
  releasePayment(input: PaymentIntentStep): Promise<void>;
  refundPayment(input: RefundInput): Promise<RefundResult>;
  getPayoutAccount(input: { tutorId: string }): Promise<PayoutAccount | null>;
  payoutTutor(input: PayoutInput): Promise<PayoutResult>;
  reverseTransfer(input: ReverseTransferInput): Promise<void>;

  createMeeting(input: MeetingInput): Promise<Meeting>;
  updateMeeting(input: MeetingInput & { meetingId: string }): Promise<void>;
  deleteMeeting(input: { bookingId: string; meetingId: string }): Promise<void>;
  syncCalendars(input: CalendarSyncInput): Promise<void>;
  removeCalendarEvents(input: { bookingId: string; userIds: string[] }): Promise<void>;

  notify(input: NotifyInput): Promise<void>;
}

/** Failure types the workflow branches on (ApplicationFailure.type). */
export const FAILURE_TYPES = {
  cardDeclined: 'CardDeclined',
  invalidRequest: 'StripeInvalidRequest',
} as const;
