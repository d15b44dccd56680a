/**
 * What the API does with bookings. It never writes a booking's status: it starts, updates and
 * queries the booking's workflow, which is the single writer, and reads the read model it keeps.
 */
import { createHash } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import type { Booking, BookingEvent } from '../../db/models/booking.js';
import type { BookingRepository } from '../../db/repositories/booking-repository.js';
import type { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import { type SlotVerdict, isSlotBookable, type TutorSchedule } from '../../domain/availability/slots.js';
import { requestExpiresAt, type BookingStatus } from '../../domain/booking-status.js';
import type { CancellationPolicy } from '../../domain/cancellation-policy.js';
import { bookingTimingsOf, type Config } from '../../domain/config.js';
import { AppError } from '../../domain/errors.js';
import { lessonPrice } from '../../domain/money.js';
import { type Principal, requireAdmin } from '../../domain/principal.js';
import type { BookingWorkflowClient, UpdateOutcome } from '../../workflows/booking/client.js';
import type { LessonFunding, PayWith } from '../packages/lesson-funding.js';
import {
  acceptUpdate,
  adminRefundUpdate,
  adminResolvePayoutUpdate,
  answerRescheduleUpdate,
  type BookingSnapshot,
  type BookingWorkflowInput,
  cancelUpdate,
  contestNoShowUpdate,
  declineUpdate,
  proposeRescheduleUpdate,
  reportNoShowUpdate,
  resolveAttentionUpdate,
} from '../../workflows/booking/definitions.js';

export interface ScheduleSource {
  /** The tutor's rules, overrides, settings and live bookings around `startMs`; undefined when there is no such tutor. */
  scheduleAround(tutorId: string, startMs: number): Promise<TutorSchedule | undefined>;
}

export interface BookingRequest {
  tutorId: string;
  start: string;
  lengthMinutes: number;
  /** The card to hold; not needed when a credit or a free trial pays. */
  paymentMethodId?: string | undefined;
  /** A weekly series books its weeks without the student present (the card is charged off-session). */
  offSession?: boolean;
  /** card (the default), one of the student's package credits, or their trial lesson with this tutor. */
  payWith?: PayWith | undefined;
}

export interface BookingServiceDependencies {
  config: Config;
  workflows: BookingWorkflowClient;
  bookings: BookingRepository;
  tutors: TutorProfileRepository;
  users: UserRepository;
  schedules: ScheduleSource;
  /** Refuses a card that is not one of the student's saved cards. */
  paymentMethods: { assertOwnedBy(studentId: string, paymentMethodId: string): Promise<void> };
  /** Takes a package credit or a trial for a lesson paid that way (absent: cards only). */
  funding?: LessonFunding;
}

const SLOT_REFUSALS: Record<Exclude<SlotVerdict, { bookable: true }>['reason'], string> = {
  length_not_offered: 'The tutor does not offer lessons of that length',
  too_soon: 'That start is sooner than the tutor’s minimum notice',
  beyond_horizon: 'That start is further ahead than the tutor takes bookings',
  outside_availability: 'The tutor is not available at that time',
  conflict: 'The tutor is already booked at that time',
};

/** The same student and Idempotency-Key always name the same booking (and so the same workflow). */
export function bookingIdFor(studentId: string, idempotencyKey: string): string {
  const hex = createHash('sha256').update(`${studentId}\u0000${idempotencyKey}`).digest('hex');
  // RFC 9562 version 8 (custom) UUID built from the hash.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function requestHashOf(request: BookingRequest): string {
  // A card request hashes as it always did, so a retry of one made before credits existed still matches.
  const paidOtherwise = request.payWith && request.payWith !== 'card' ? [request.payWith] : [];
  const canonical = JSON.stringify([request.tutorId, new Date(request.start).toISOString(), request.lengthMinutes, request.paymentMethodId ?? null, ...paidOtherwise]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface RequestOutcome {
  created: boolean;
  /** Undefined when the workflow took the request but had not answered by the deadline (202). */
  booking: BookingSnapshot | undefined;
  bookingId: string;
}

/** An admin's Idempotency-Key, scoped to the admin, short enough for Stripe's 255-character keys. */
function adminRequestId(adminId: string, idempotencyKey: string): string {
  return createHash('sha256').update(`${adminId}\u0000${idempotencyKey}`).digest('hex').slice(0, 32);
}

export interface BookingListFilter {
  statuses?: BookingStatus[];
  from?: Date;
  to?: Date;
  before?: { sessionStart: Date; id: string };
  limit: number;
  /** Admins only: bookings that wait for a person (failure policy), by tutor or student. */
  attention?: boolean;
  tutorId?: string;
  studentId?: string;
}

export class BookingService {
  constructor(private readonly deps: BookingServiceDependencies) {}

  /**
   * Requests a lesson. The workflow holds the time (the database refuses an overlap), authorizes
   * the card and answers through the update sent with its start. A retry with the same
   * Idempotency-Key reaches the same booking; with another body it is refused.
   */
  async request(principal: Principal, request: BookingRequest, idempotencyKey: string): Promise<RequestOutcome> {
    if (principal.role !== 'student') throw AppError.forbidden('Only students book lessons');
    const bookingId = bookingIdFor(principal.userId, idempotencyKey);
    const requestHash = requestHashOf(request);

    const earlier = await this.earlierOutcome(bookingId, requestHash);
    if (earlier) return earlier;
    const payWith = request.payWith ?? 'card';
    if (payWith !== 'card' && !this.deps.funding) throw new AppError('unprocessable', 'Only a card can pay for this lesson');
    // Only a new request is checked: a retry answers the booking it made, even if the card was removed since.
    if (request.paymentMethodId) await this.deps.paymentMethods.assertOwnedBy(principal.userId, request.paymentMethodId);
    else if (payWith === 'card') throw AppError.invalidInput('A card pays for this lesson', [{ path: 'body.paymentMethodId', message: 'required unless payWith is credit or trial' }]);

    const { config } = this.deps;
    const startMs = Date.parse(request.start);
    const [tutor, profile, schedule, student] = await Promise.all([
      this.deps.users.findById(request.tutorId),
      this.deps.tutors.findByUserId(request.tutorId),
      this.deps.schedules.scheduleAround(request.tutorId, startMs),
      this.deps.users.findById(principal.userId),
    ]);
    if (!tutor || tutor.role !== 'tutor' || !profile?.published || !schedule) throw AppError.notFound('Tutor');

    const verdict = isSlotBookable(schedule, startMs, request.lengthMinutes, Date.now());
    if (!verdict.bookable) {
      if (verdict.reason !== 'conflict') throw new AppError('unprocessable', SLOT_REFUSALS[verdict.reason]);
      // A concurrent request with the same key may have held this very time since we looked: that
      // is this booking, not a conflict with another one.
      const concurrent = await this.earlierOutcome(bookingId, requestHash);
      if (concurrent) return concurrent;
      throw tutorBusy();
    }

    // The credit or the trial is taken once the slot is known to be bookable (409 when there is none left).
    const funding = payWith === 'card' ? undefined : await this.deps.funding!.take({ payWith, studentId: principal.userId, tutorId: tutor.id, lengthMinutes: request.lengthMinutes, currency: profile.currency, bookingId });
    if (funding && !funding.free && !funding.packageId && !request.paymentMethodId) {
      await this.deps.funding!.giveBack(payWith, bookingId);
      throw AppError.invalidInput('This trial lesson is not free: a card pays for it', [{ path: 'body.paymentMethodId', message: 'required for a trial lesson with a price' }]);
    }
    const now = new Date();
    const sessionStart = new Date(startMs);
    const sessionEnd = new Date(startMs + request.lengthMinutes * 60_000);
    const input: BookingWorkflowInput = {
      bookingId,
      tutorId: tutor.id,
      studentId: principal.userId,
      sessionStart: sessionStart.toISOString(),
      sessionEnd: sessionEnd.toISOString(),
      timeZone: student?.timeZone ?? 'UTC',
      bufferMinutes: schedule.settings.bufferMinutes,
      priceMinor: funding ? funding.priceMinor : lessonPrice(profile.hourlyRateMinor, request.lengthMinutes),
      currency: profile.currency,
      commissionBps: config.booking.commissionBps,
      cancellationPolicy: profile.cancellationPolicy as CancellationPolicy,
      instant: profile.instantBooking,
      paymentMethodId: funding?.packageId || funding?.free ? '' : request.paymentMethodId!,
      ...(request.offSession ? { offSession: true } : {}),
      ...(funding?.packageId ? { packageId: funding.packageId } : {}),
      paidWith: payWith,
      requestExpiresAt: requestExpiresAt(now, sessionStart, config.booking.requestTtlMs, schedule.settings.minimumNoticeMinutes * 60_000).toISOString(),
      idempotencyKey,
      requestHash,
      timings: bookingTimingsOf(config.booking),
    };

    const outcome = await this.deps.workflows.submit(input, { student: student?.displayName ?? principal.userId, tutor: tutor.displayName });
    if (!outcome.done) return { created: true, booking: undefined, bookingId };
    const { booking } = outcome;
    if (booking.outcome || booking.status === 'PAYMENT_FAILED') await this.deps.funding?.giveBack(payWith, bookingId);
    if (booking.outcome === 'slot_taken') throw tutorBusy();
    if (booking.outcome === 'student_busy') throw await this.studentBusy(principal.userId, sessionStart, sessionEnd);
    if (booking.status === 'PAYMENT_FAILED') {
      throw new AppError('payment_failed', booking.paymentFailure ?? 'The card was declined', { extensions: { bookingId } });
    }
    return { created: true, booking, bookingId };
  }

  /** The student's own live lesson was in the way (the database refused the overlap): name its time. */
  private async studentBusy(studentId: string, start: Date, end: Date, exceptId?: string): Promise<AppError> {
    const other = await this.deps.bookings.studentOverlap(studentId, start, end, exceptId);
    const when = other ? ` from ${other.sessionStart.toISOString()} to ${other.sessionEnd.toISOString()}` : ' at that time';
    return new AppError('conflict', `You already have a lesson${when}`, {
      extensions: {
        conflict: 'student_busy',
        ...(other ? { conflictingBooking: { bookingId: other.id, sessionStart: other.sessionStart.toISOString(), sessionEnd: other.sessionEnd.toISOString() } } : {}),
      },
    });
  }

  /** What an earlier request with this Idempotency-Key made, if it made anything (another body: 422). */
  private async earlierOutcome(bookingId: string, requestHash: string): Promise<RequestOutcome | undefined> {
    const existing = await this.deps.bookings.findById(bookingId);
    if (!existing) return undefined;
    if (existing.requestHash !== requestHash) {
      throw new AppError('unprocessable', 'This Idempotency-Key was already used for a different booking request');
    }
    return { created: false, booking: await this.currentState(existing), bookingId };
  }

  /** The live state from the workflow, or the read model once the workflow has finished. */
  private async currentState(row: Booking): Promise<BookingSnapshot> {
    return (await this.deps.workflows.query(row.id)) ?? snapshotOf(row);
  }

  /** A booking its parties and admins may see; anyone else is told it does not exist. */
  async get(principal: Principal, bookingId: string): Promise<Booking> {
    const booking = await this.deps.bookings.findById(bookingId);
    if (!booking || !canSee(principal, booking)) throw AppError.notFound('Booking');
    return booking;
  }

  async timeline(principal: Principal, bookingId: string): Promise<{ booking: Booking; events: BookingEvent[] }> {
    const booking = await this.get(principal, bookingId);
    return { booking, events: await this.deps.bookings.events(bookingId) };
  }

  /** A party's own bookings; an admin's view of all of them, with the attention and party filters. */
  async list(principal: Principal, filter: BookingListFilter): Promise<Booking[]> {
    const adminOnly = filter.attention !== undefined || filter.tutorId !== undefined || filter.studentId !== undefined;
    if (principal.role !== 'admin' && adminOnly) throw AppError.forbidden('Only admins filter by attention, tutor or student');
    if (principal.role === 'admin') return this.deps.bookings.listAll(filter);
    return this.deps.bookings.list({ userId: principal.userId, role: principal.role, ...filter });
  }

  /** Sends an update to the workflow of a booking the principal may act on, within the deadline. */
  private async act<A>(principal: Principal, bookingId: string, update: UpdateDefinition<BookingSnapshot, [A]>, arg: A, updateId?: string): Promise<UpdateOutcome> {
    await this.get(principal, bookingId);
    return this.deps.workflows.update(bookingId, update, arg, updateId);
  }

  accept(principal: Principal, bookingId: string, reason?: string) {
    return this.act(principal, bookingId, acceptUpdate, { tutorId: principal.userId, ...(reason ? { reason } : {}) });
  }

  decline(principal: Principal, bookingId: string, reason?: string) {
    return this.act(principal, bookingId, declineUpdate, { tutorId: principal.userId, ...(reason ? { reason } : {}) });
  }

  /** A party cancels; the policy decides the refund. (Admins use adminCancel, with an Idempotency-Key.) */
  cancel(principal: Principal, bookingId: string, reason: string) {
    if (principal.role === 'admin') throw AppError.forbidden('Admins cancel through the admin route, with an Idempotency-Key');
    return this.act(principal, bookingId, cancelUpdate, { actor: principal.role, actorId: principal.userId, reason });
  }

  /**
   * Proposes a new time, checked like a new booking: a bookable slot in the tutor's schedule (this
   * booking's own time aside), the notice, the horizon and an offered length (422 naming the rule;
   * 409 when the tutor is booked then). The workflow checks how often and how late.
   */
  async proposeReschedule(principal: Principal, bookingId: string, start: string, lengthMinutes: number) {
    const booking = await this.get(principal, bookingId);
    const startMs = Date.parse(start);
    const sameLength = booking.sessionEnd.getTime() - booking.sessionStart.getTime() === lengthMinutes * 60_000;
    if (!sameLength && (await this.deps.funding?.fixesLength(bookingId))) {
      throw new AppError('unprocessable', 'A lesson paid with a package credit or booked as a trial keeps its length', { extensions: { rule: 'length_fixed' } });
    }
    const schedule = await this.deps.schedules.scheduleAround(booking.tutorId, startMs);
    if (!schedule) throw AppError.notFound('Tutor');
    const own = (held: { start: number; blockedUntil: number }) => held.start === booking.sessionStart.getTime() && held.blockedUntil === booking.blockedUntil.getTime();
    const verdict = isSlotBookable({ ...schedule, booked: schedule.booked.filter((held) => !own(held)) }, startMs, lengthMinutes, Date.now());
    if (!verdict.bookable) {
      throw verdict.reason === 'conflict' ? tutorBusy() : new AppError('unprocessable', SLOT_REFUSALS[verdict.reason], { extensions: { rule: verdict.reason } });
    }
    return this.act(principal, bookingId, proposeRescheduleUpdate, {
      actorId: principal.userId,
      sessionStart: new Date(startMs).toISOString(),
      sessionEnd: new Date(startMs + lengthMinutes * 60_000).toISOString(),
      noticeMinutes: schedule.settings.minimumNoticeMinutes,
    });
  }

  answerReschedule(principal: Principal, bookingId: string, accept: boolean) {
    return this.act(principal, bookingId, answerRescheduleUpdate, { actorId: principal.userId, accept });
  }

  reportNoShow(principal: Principal, bookingId: string, note?: string) {
    return this.act(principal, bookingId, reportNoShowUpdate, { actorId: principal.userId, ...(note ? { note } : {}) });
  }

  /** The party reported absent says they were there: the payout waits for an admin. */
  contestNoShow(principal: Principal, bookingId: string, note?: string) {
    return this.act(principal, bookingId, contestNoShowUpdate, { actorId: principal.userId, ...(note ? { note } : {}) });
  }

  /** Admins: a tutor's no-shows, reported and confirmed, across their bookings. */
  async tutorNoShows(principal: Principal, tutorId: string): Promise<{ tutorId: string; reported: number; confirmed: number }> {
    requireAdmin(principal);
    return { tutorId, ...(await this.deps.bookings.tutorNoShows(tutorId)) };
  }

  /** Admins: cancel any live booking; the same Idempotency-Key is the same cancellation. */
  adminCancel(principal: Principal, bookingId: string, reason: string, idempotencyKey: string, refundAmountMinor?: number) {
    requireAdmin(principal);
    const requestId = adminRequestId(principal.userId, idempotencyKey);
    const cancel = { actor: 'admin' as const, actorId: principal.userId, reason, ...(refundAmountMinor !== undefined ? { refundAmountMinor } : {}) };
    return this.act(principal, bookingId, cancelUpdate, cancel, `admin-cancel-${requestId}`);
  }

  /** Admins: refund an amount; the same Idempotency-Key refunds once (a double click pays nothing twice). */
  adminRefund(principal: Principal, bookingId: string, amountMinor: number, reason: string, idempotencyKey: string) {
    requireAdmin(principal);
    const requestId = adminRequestId(principal.userId, idempotencyKey);
    return this.act(principal, bookingId, adminRefundUpdate, { adminId: principal.userId, amountMinor, reason, requestId }, `admin-refund-${requestId}`);
  }

  adminResolvePayout(principal: Principal, bookingId: string, decision: 'pay_tutor' | 'refund_student', reason: string) {
    requireAdmin(principal);
    return this.act(principal, bookingId, adminResolvePayoutUpdate, { adminId: principal.userId, decision, reason });
  }

  /** Admins: settle what a booking waits for (failure policy): run the failed step again, or close it. */
  adminResolveAttention(principal: Principal, bookingId: string, action: 'retry' | 'close', reason: string, itemId?: string) {
    requireAdmin(principal);
    return this.act(principal, bookingId, resolveAttentionUpdate, { adminId: principal.userId, action, reason, ...(itemId ? { itemId } : {}) });
  }
}

/** The tutor's time is held by another booking (another student's: its details are not ours to show). */
function tutorBusy(): AppError {
  return new AppError('conflict', SLOT_REFUSALS.conflict, { extensions: { conflict: 'tutor_busy' } });
}

function canSee(principal: Principal, booking: Booking): boolean {
  return principal.role === 'admin' || booking.studentId === principal.userId || booking.tutorId === principal.userId;
}

function snapshotOf(row: Booking): BookingSnapshot {
  return {
    bookingId: row.id,
    status: row.status,
    paymentStatus: row.paymentStatus as BookingSnapshot['paymentStatus'],
    sessionStart: row.sessionStart.toISOString(),
    sessionEnd: row.sessionEnd.toISOString(),
    requestExpiresAt: row.requestExpiresAt.toISOString(),
    priceMinor: row.priceMinor,
    capturedMinor: row.capturedMinor,
    refundedMinor: row.refundedMinor,
    paidOutMinor: row.paidOutMinor,
    ...(row.meetingJoinUrl ? { meetingJoinUrl: row.meetingJoinUrl } : {}),
    noShowReports: [],
    payoutFrozen: false,
  };
}
