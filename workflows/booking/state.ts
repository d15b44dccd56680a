/**
 * Everything one booking workflow knows, in one object: the phases and commands change it, the
 * query and the Temporal UI read it. No I/O here; the derived facts (what may still be refunded,
 * whether the payout is frozen, who a user is to this booking) are methods, never copies.
 */
import type { BookingStatus } from '../../domain/booking-status.js';
import { type MoneyLedger, refundable, totalOf } from '../../domain/booking-money.js';
import type { PaymentStatus } from '../../domain/payment-status.js';
import { type AttentionItem, type BookingSnapshot, type BookingWorkflowInput, type NoShowReport, type Party, type ProblemReport, type RescheduleProposal, TIMING_DEFAULTS } from './definitions.js';
import type { Command } from './commands.js';
import type { Funding } from './credit.js';

/** A command waiting for its phase, and the update that waits for its answer. */
export interface Queued {
  command: Command;
  done: boolean;
  refusal?: { message: string; type: string };
}

export type WebhookPayment = { kind: 'authorized' } | { kind: 'failed'; message: string };

/**
 * One captured payment of the booking: the lesson's own, then one per reschedule to a longer
 * lesson (the difference). Each has its own ledger (domain/booking-money.ts splits amounts over them).
 */
export interface CapturedPayment {
  paymentIntentId: string;
  chargeId: string;
  transferId?: string;
  /**
   * Put before each step name of this payment's Stripe calls: '' for the lesson's own payment (so
   * its keys are those it always had), `reprice-<n>:` for a difference.
   */
  stepPrefix: string;
  ledger: MoneyLedger;
}

export class BookingState {
  status: BookingStatus = 'PENDING_PAYMENT';
  paymentStatus: PaymentStatus = 'pending';
  outcome: BookingSnapshot['outcome'];
  sessionStart: string;
  sessionEnd: string;
  paymentIntentId: string | undefined;
  paymentClientSecret: string | undefined;
  paymentFailure: string | undefined;
  chargeId: string | undefined;
  transferId: string | undefined;
  /** The captured payments, oldest first. */
  readonly payments: CapturedPayment[] = [];
  /** Authorizations of a longer lesson's difference so far, kept or refused: numbers their Stripe keys. */
  repriceAttempts = 0;
  /** What each refund step gave back so far, by payment: a step run again (attention retry) refunds only the rest. */
  readonly refundProgress = new Map<string, Map<number, number>>();
  meeting: { meetingId: string; joinUrl: string } | undefined;
  pendingReschedule: RescheduleProposal | undefined;
  /** Accepted reschedules so far (BOOKING_MAX_RESCHEDULES bounds them). */
  reschedules = 0;
  /** The lesson's current price: a shorter reschedule lowers it. */
  priceMinor: number;
  readonly noShowReports: NoShowReport[] = [];
  /**
   * The no-show rules this booking runs by, fixed at its first report (patched: a booking reported
   * before the change keeps "any report freezes the payout until an admin decides").
   */
  noShowByParty: boolean | undefined;
  /** When the payout hold ends (set as it starts): the last moment for a no-show report. */
  payoutHoldEndsAt: number | undefined;
  disputed = false;
  /** The student's report of a problem with the lesson: open (no decision yet), it freezes the payout. */
  problem: ProblemReport | undefined;
  payoutResolution: 'pay_tutor' | 'refund_student' | undefined;
  /** Fixed when the dispute opens (patched): only its decision, not the payout resolution, settles it. */
  disputeOwnsPayout = false;
  /** Failed steps that wait for an admin (failure policy), oldest first. */
  readonly attention: AttentionItem[] = [];
  /** How each retryable attention item runs its step again; true when it went through. */
  readonly attentionRetries = new Map<string, () => Promise<boolean>>();
  /** Read-model writes Postgres refused so far: names their attention items. */
  readModelFailures = 0;
  /** Admin refunds applied, by their Idempotency-Key, with the amount asked: a repeat is answered, not paid. */
  readonly adminRefunds = new Map<string, number>();
  /** The submit update waits for this: the time is held (or not) and the card has answered. */
  submissionSettled = false;
  /** Whether this booking writes its read model locally until the submit answers (patched at its start). */
  localSubmitRecords = false;
  /** Whether every read-model write of this booking is local (patched at its start, PATCHES.localRecords). */
  localRecords = false;
  webhookPayment: WebhookPayment | undefined;
  /** How the lesson is paid (credit.ts): decided once at the start. */
  funding: Funding = 'card';
  /** The package's workflow was told how this credit lesson settled (once). */
  creditSettled = false;
  /** Commands validated and waiting for the phase that applies them, in arrival order. */
  readonly inbox: Queued[] = [];

  constructor(readonly input: BookingWorkflowInput) {
    this.sessionStart = input.sessionStart;
    this.sessionEnd = input.sessionEnd;
    this.priceMinor = input.priceMinor;
  }

  /** The booking's ledger: the sum of its payments'. */
  get money(): MoneyLedger {
    return totalOf(this.payments.map((payment) => payment.ledger));
  }

  refundable(): number {
    return refundable(this.money);
  }

  /** A duration or limit from the booking's timings, or its default for bookings started before it existed. */
  timing<K extends keyof typeof TIMING_DEFAULTS>(key: K): number {
    return this.input.timings[key] ?? TIMING_DEFAULTS[key];
  }

  isPayoutFrozen(): boolean {
    if (this.problem && !this.problem.decision) return true;
    if (this.payoutResolution !== undefined) return false;
    if (this.disputed) return true;
    if (!this.noShowByParty) return this.noShowReports.length > 0;
    // By party: a tutor's report of an absent student freezes nothing unless the student contests it.
    return this.noShowReports.some((report) => report.reportedBy === 'student' || report.contestedAt !== undefined);
  }

  /** The student's report of an absent tutor that refunds them unless the tutor contests (or an admin decides first). */
  pendingNoShowRefund(): NoShowReport | undefined {
    if (!this.noShowByParty || this.payoutResolution !== undefined || this.disputed) return undefined;
    // Both parties reporting each other is a contest: an admin decides.
    if (this.noShowReports.some((report) => report.reportedBy === 'tutor')) return undefined;
    return this.noShowReports.find((report) => report.reportedBy === 'student' && report.contestedAt === undefined && report.refundAt !== undefined);
  }

  partyOf(userId: string): Party | undefined {
    return userId === this.input.studentId ? 'student' : userId === this.input.tutorId ? 'tutor' : undefined;
  }

  userOf(party: Party): string {
    return party === 'student' ? this.input.studentId : this.input.tutorId;
  }

  bothParties(): string[] {
    return [this.input.studentId, this.input.tutorId];
  }

  snapshot(): BookingSnapshot {
    const { money } = this;
    return {
      bookingId: this.input.bookingId,
      status: this.status,
      paymentStatus: this.paymentStatus,
      ...(this.outcome ? { outcome: this.outcome } : {}),
      sessionStart: this.sessionStart,
      sessionEnd: this.sessionEnd,
      requestExpiresAt: this.input.requestExpiresAt,
      ...(this.paymentStatus === 'requires_action' && this.paymentClientSecret ? { paymentClientSecret: this.paymentClientSecret } : {}),
      ...(this.paymentFailure ? { paymentFailure: this.paymentFailure } : {}),
      priceMinor: this.priceMinor,
      capturedMinor: money.capturedMinor,
      refundedMinor: money.refundedMinor,
      paidOutMinor: money.paidOutMinor,
      ...(money.reversedMinor > 0 ? { reversedMinor: money.reversedMinor } : {}),
      ...(this.payments.length > 1 ? { payments: this.payments.map(({ paymentIntentId, chargeId, transferId, ledger }) => ({ paymentIntentId, chargeId, ...(transferId ? { transferId } : {}), ...ledger })) } : {}),
      ...(this.meeting ? { meetingJoinUrl: this.meeting.joinUrl } : {}),
      ...(this.pendingReschedule ? { pendingReschedule: this.pendingReschedule } : {}),
      noShowReports: [...this.noShowReports],
      ...(this.problem ? { problem: { ...this.problem } } : {}),
      // Only a payout that is due can wait for an admin: a dispute on an uncaptured request freezes nothing.
      payoutFrozen: this.isPayoutFrozen() && ['ACTIVE', 'ENDED', 'CANCELLED'].includes(this.status) && this.refundable() > 0,
      ...(this.attention.length > 0 ? { attention: this.attention.map((item) => ({ ...item })) } : {}),
    };
  }
}
