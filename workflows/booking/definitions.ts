/**
 * Names stored in workflow histories are public API: running bookings replay against them, so they
 * are defined here once, used by the workflow, the worker and the API client alike, and never renamed.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { PaymentStatus } from '../../domain/payment-status.js';
import type { BookingStatus } from '../../domain/booking-status.js';
import type { BookingTerms } from '../../domain/booking-terms.js';
import type { BookingTimings } from '../../domain/config.js';
import type { DisputeReason } from '../../domain/booking-disputes.js';

export const BOOKING_WORKFLOW_TYPE = 'bookingWorkflow';

/** One workflow per booking; the ID policy on it is what keeps a retried request from starting two. */
export const bookingWorkflowId = (bookingId: string): string => `booking-${bookingId}`;

/** Typed keys for the one list in search-attributes.ts (search-attributes.test.ts checks they agree). */
export const SEARCH_ATTRIBUTES = {
  bookingStatus: defineSearchAttributeKey('BookingStatus', SearchAttributeType.KEYWORD),
  tutorId: defineSearchAttributeKey('TutorId', SearchAttributeType.KEYWORD),
  studentId: defineSearchAttributeKey('StudentId', SearchAttributeType.KEYWORD),
  sessionStart: defineSearchAttributeKey('SessionStart', SearchAttributeType.DATETIME),
  paymentStatus: defineSearchAttributeKey('PaymentStatus', SearchAttributeType.KEYWORD),
  attention: defineSearchAttributeKey('Attention', SearchAttributeType.KEYWORD),
} as const;

/** The terms of the booking, plus what only the workflow needs: the card to authorize and the durations. */
export interface BookingWorkflowInput extends BookingTerms {
  paymentMethodId: string;
  /** Authorize without the student present (a weekly series' week); absent: they are booking now. */
  offSession?: boolean;
  /** Paid with a credit of this package (taken by the API before the start), not a card hold. */
  packageId?: string;
  timings: BookingTimings;
}

export type Party = 'student' | 'tutor';

export interface RescheduleProposal {
  proposedBy: Party;
  sessionStart: string;
  sessionEnd: string;
  /** Unanswered by then, the proposal lapses (never later than the lesson's start minus the tutor's notice). */
  expiresAt?: string;
  /** The lesson's price at the new length (a shorter lesson refunds the difference on acceptance). */
  priceMinor?: number;
  /** A tutor's proposal within the student's cutoff: declined, it counts as the tutor's cancellation. */
  late?: boolean;
}

export interface NoShowReport {
  reportedBy: Party;
  absent: Party;
  note?: string;
  at: string;
  /** The party reported absent says they were there: an admin decides. */
  contestedAt?: string;
  contestNote?: string;
  /** A student's report of an absent tutor, uncontested: the student is refunded in full at this time. */
  refundAt?: string;
}

/** A student's report of a problem with the lesson (within the payout hold), and the admin's decision on it. */
export interface ProblemReport {
  reason: DisputeReason;
  text: string;
  /** A file the student uploaded through the files service (purpose message_attachment). */
  attachmentFileId?: string;
  at: string;
  decision?: DisputeDecision;
}

export interface DisputeDecision {
  /** What went back to the student: 0 pays the tutor in full, all that remained refunds in full. */
  refundMinor: number;
  adminId: string;
  reason: string;
  at: string;
}

/**
 * Patch ids (README, "Replaying, resetting and changing the workflow"): bookings started before a
 * change keep the old order of commands. Defined once, never renamed.
 */
export const PATCHES = {
  /** No-show rules by party: a tutor's report does not freeze their payout; an uncontested absent tutor refunds the student. */
  noShowByParty: 'no-show-by-party',
  /** Reschedule rules: proposals expire, a shorter lesson refunds the difference, a tutor's late proposal declined cancels. */
  rescheduleRules: 'reschedule-rules',
  /** A longer lesson on reschedule authorizes and captures the difference as a payment of its own. */
  repriceLonger: 'reprice-longer',
  /**
   * A faster answer to the submit update: the read-model writes before it run as local activities
   * (no server round trip each) and the availability broadcast runs beside the authorization.
   */
  localSubmitRecords: 'local-submit-records',
  /**
   * Every read-model write runs as a local activity for the booking's whole life (not only until the
   * submit answers), and a close's availability broadcast and emails run side by side: a timer's
   * transition is then one workflow task (the status in Postgres with it) instead of one per write.
   */
  localRecords: 'local-records',
  /** A lesson paid with a package's credit, or a free trial: no card hold (workflows/booking/credit.ts). */
  payWithCredit: 'pay-with-credit',
  /**
   * A student's open dispute is decided only by the dispute decision: the older payout resolution
   * refuses while it is open (it set a resolution that never unfroze the payout, and left the dispute open).
   */
  disputeOwnsPayout: 'dispute-owns-payout',
} as const;

/** Defaults for timings a booking started before they existed does not carry (domain/config.ts has the same). */
export const TIMING_DEFAULTS = {
  noShowGraceMs: 10 * 60_000,
  noShowContestMs: 48 * 3_600_000,
  maxReschedules: 2,
  studentRescheduleCutoffMs: 12 * 3_600_000,
  rescheduleProposalTtlMs: 24 * 3_600_000,
} as const;

/**
 * Why a booking waits for a person (the failure policy): a money step Stripe refused for good, or a
 * read-model write Postgres refused. The booking goes on where it can; an admin retries the step or
 * closes the item (settled outside, e.g. in Stripe's dashboard) with the resolveAttention update.
 */
export type AttentionReason = 'capture_failed' | 'release_failed' | 'refund_failed' | 'reversal_failed' | 'payout_failed' | 'read_model_failed';

export interface AttentionItem {
  /** Unique within the booking, e.g. `refund-cancel`; names the item in resolveAttention. */
  id: string;
  reason: AttentionReason;
  /** What failed, in words (Stripe's or Postgres's message). */
  message: string;
  since: string;
  amountMinor?: number;
  /** false: nothing to run again (e.g. a capture after its hold was released); only closing is possible. */
  retryable: boolean;
}

export interface PaymentMoney {
  paymentIntentId: string;
  chargeId: string;
  transferId?: string;
  capturedMinor: number;
  refundedMinor: number;
  paidOutMinor: number;
  reversedMinor: number;
}

export interface BookingSnapshot {
  bookingId: string;
  status: BookingStatus;
  paymentStatus: PaymentStatus;
  /**
   * Set when the booking never came to be: the tutor's time was taken meanwhile (slot_taken), or
   * the student already has a live lesson that overlaps it (student_busy).
   */
  outcome?: 'slot_taken' | 'student_busy';
  sessionStart: string;
  sessionEnd: string;
  requestExpiresAt: string;
  /** Present while the student must finish the payment (3-D Secure): the frontend confirms with it. */
  paymentClientSecret?: string;
  paymentFailure?: string;
  /** The lesson's current price: a reschedule to another length reprices it. */
  priceMinor: number;
  capturedMinor: number;
  refundedMinor: number;
  paidOutMinor: number;
  /**
   * Present when more than one payment pays the booking (a longer reschedule captured the
   * difference): each payment's own money; the totals above are their sums.
   */
  payments?: PaymentMoney[];
  meetingJoinUrl?: string;
  pendingReschedule?: RescheduleProposal;
  noShowReports: NoShowReport[];
  /** The payout waits for an admin: a dispute or a no-show report. */
  payoutFrozen: boolean;
  /** The student's report of a problem with the lesson, and the admin's decision once made. */
  problem?: ProblemReport;
  /** Taken back from the tutor after a refund that came after the payout. */
  reversedMinor?: number;
  /** Items that wait for an admin (failure policy); absent when none. */
  attention?: AttentionItem[];
}

// ---- commands (updates): each validated at once, answered once the workflow has applied it ----

export interface SubmitRequest {
  requestHash: string;
}

export interface TutorAnswer {
  tutorId: string;
  reason?: string;
}

export interface CancelRequest {
  actor: 'student' | 'tutor' | 'admin';
  actorId: string;
  reason: string;
  /** Admins only: refund this much instead of the policy's amount (0 allowed). */
  refundAmountMinor?: number;
}

export interface ProposeReschedule {
  actorId: string;
  sessionStart: string;
  sessionEnd: string;
  /** The tutor's minimum notice (the API checked the new slot against it): the proposal lapses before the current start minus it. */
  noticeMinutes?: number;
}

export interface AnswerReschedule {
  actorId: string;
  accept: boolean;
}

export interface ReportNoShow {
  actorId: string;
  note?: string;
}

export interface ContestNoShow {
  actorId: string;
  note?: string;
}

export interface ReportProblem {
  actorId: string;
  reason: DisputeReason;
  text: string;
  attachmentFileId?: string;
}

export interface DecideDispute {
  adminId: string;
  /** How much of what remains goes back to the student (0 … refundable). */
  refundMinor: number;
  reason: string;
}

export interface AdminRefund {
  adminId: string;
  amountMinor: number;
  reason: string;
  /**
   * The admin's Idempotency-Key: one refund per key (a repeat answers the first refund's outcome;
   * the same key with another amount is refused), and part of Stripe's idempotency key.
   */
  requestId: string;
}

export interface ResolveAttention {
  adminId: string;
  /** Which item; the oldest when absent. */
  itemId?: string;
  /** retry: run the failed step again (same idempotency key); close: it was settled outside. */
  action: 'retry' | 'close';
  reason: string;
}

export interface AdminResolvePayout {
  adminId: string;
  decision: 'pay_tutor' | 'refund_student';
  reason: string;
}

export const getBookingQuery = defineQuery<BookingSnapshot>('getBooking');

/** Sent with the start (update-with-start): answers once the time is held and the card answered. */
export const submitUpdate = defineUpdate<BookingSnapshot, [SubmitRequest]>('submit');
export const acceptUpdate = defineUpdate<BookingSnapshot, [TutorAnswer]>('accept');
export const declineUpdate = defineUpdate<BookingSnapshot, [TutorAnswer]>('decline');
export const cancelUpdate = defineUpdate<BookingSnapshot, [CancelRequest]>('cancel');
export const proposeRescheduleUpdate = defineUpdate<BookingSnapshot, [ProposeReschedule]>('proposeReschedule');
export const answerRescheduleUpdate = defineUpdate<BookingSnapshot, [AnswerReschedule]>('answerReschedule');
export const reportNoShowUpdate = defineUpdate<BookingSnapshot, [ReportNoShow]>('reportNoShow');
/** The party reported absent says they were there: the payout waits for an admin. */
export const contestNoShowUpdate = defineUpdate<BookingSnapshot, [ContestNoShow]>('contestNoShow');
/** The student reports a problem with the lesson within the payout hold: the payout freezes. */
export const reportProblemUpdate = defineUpdate<BookingSnapshot, [ReportProblem]>('reportProblem');
/** The admin decides a reported problem: refund part or all of what remains, the tutor is paid on the rest. */
export const decideDisputeUpdate = defineUpdate<BookingSnapshot, [DecideDispute]>('decideDispute');
export const adminRefundUpdate = defineUpdate<BookingSnapshot, [AdminRefund]>('adminRefund');
export const adminResolvePayoutUpdate = defineUpdate<BookingSnapshot, [AdminResolvePayout]>('adminResolvePayout');
export const resolveAttentionUpdate = defineUpdate<BookingSnapshot, [ResolveAttention]>('resolveAttention');

// ---- Stripe webhooks, as signals ----

export interface PaymentAuthorizedSignal {
  paymentIntentId: string;
}
export interface PaymentFailedSignal {
  paymentIntentId: string;
  message: string;
}
export interface DisputeOpenedSignal {
  disputeId: string;
  reason: string;
}

export const paymentAuthorizedSignal = defineSignal<[PaymentAuthorizedSignal]>('paymentAuthorized');
export const paymentFailedSignal = defineSignal<[PaymentFailedSignal]>('paymentFailed');
export const disputeOpenedSignal = defineSignal<[DisputeOpenedSignal]>('disputeOpened');

/** ApplicationFailure types an update can be refused with; the API maps each to an HTTP status. */
export const REFUSALS = {
  notAParty: 'NotAParty', // 404: someone else's booking
  invalidState: 'InvalidState', // 409
  idempotencyKeyReused: 'IdempotencyKeyReused', // 422
  invalidRequest: 'InvalidRequest', // 422
  slotTaken: 'SlotTaken', // 409
  paymentRefused: 'PaymentRefused', // 422: Stripe refused an admin's money action for good
} as const;
