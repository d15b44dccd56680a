import { z } from 'zod';
import { BOOKING_STATUSES } from '../../../domain/booking-status.js';
import { PAID_WITH } from '../../../domain/booking-terms.js';
import { DISPUTE_REASONS, DISPUTE_TEXT_MAX } from '../../../domain/booking-disputes.js';
import { CALENDAR_MESSAGE, isWithinCalendar } from '../../../domain/safe-input.js';
import { cursorQuery } from '../../cursor.js';

const instant = z.iso.datetime({ offset: true }).describe('An ISO 8601 instant, e.g. 2026-12-01T15:00:00Z');
/** An instant a client sends: inside the calendar the product works in (year 0000 or 9999 is a probe). */
const clientInstant = instant.refine(isWithinCalendar, CALENDAR_MESSAGE);
const uuid = z.uuid();

export const BookingIdParams = z.object({ id: uuid.describe('The booking id') });

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(8, 'use at least 8 characters, e.g. a UUID')
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .describe('Makes the request safe to retry: the same key returns the same booking'),
});

/** Admin money actions: required, so a double click or a retried request acts once. */
export const AdminIdempotencyHeaders = z.object({
  'idempotency-key': IdempotencyHeaders.shape['idempotency-key'].describe('Required: the same key (per admin) is the same action, applied once'),
});

export const CreateBookingBody = z
  .strictObject({
    tutorId: uuid,
    start: clientInstant,
    lengthMinutes: z.number().int().min(15).max(240),
    paymentMethodId: z.string().min(3).max(255).optional().describe('A saved card (Stripe PaymentMethod id) of the student; required unless a credit or a free trial pays'),
    payWith: z
      .enum(['card', 'credit', 'trial'])
      .optional()
      .describe('card (default): a hold on the card; credit: one of your package credits for this tutor and length (409 `no_credit` when none is left); trial: your one trial lesson with this tutor, at its length and price (409 `trial_used`)'),
  })
  // Checked beside the other fields' errors, so a bad request names every field at once.
  .refine((body) => Boolean(body?.paymentMethodId) || (body?.payWith !== undefined && body.payWith !== 'card'), {
    path: ['paymentMethodId'],
    message: 'required unless payWith is credit or trial',
    when: () => true,
  })
  .meta({ id: 'CreateBookingRequest' });

const RescheduleProposalSchema = z.object({
  proposedBy: z.enum(['student', 'tutor']),
  sessionStart: instant,
  sessionEnd: instant,
  expiresAt: instant.optional().describe('Unanswered by then, the proposal lapses'),
  priceMinor: z.number().int().optional().describe('The lesson’s price at the proposed length'),
  late: z.boolean().optional().describe('A tutor’s proposal within the student’s cutoff: declining it cancels the lesson as the tutor’s cancellation'),
});

export const BookingStateSchema = z
  .object({
    bookingId: uuid,
    status: z.enum(BOOKING_STATUSES),
    paymentStatus: z.string(),
    sessionStart: instant,
    sessionEnd: instant,
    requestExpiresAt: instant,
    paymentClientSecret: z.string().optional().describe('Present while the student must finish the payment (3-D Secure) with Stripe.js'),
    paymentFailure: z.string().optional(),
    priceMinor: z.number().int().describe('The lesson’s current price: a reschedule to another length reprices it'),
    capturedMinor: z.number().int(),
    refundedMinor: z.number().int(),
    paidOutMinor: z.number().int(),
    payments: z
      .array(
        z.object({
          paymentIntentId: z.string(),
          chargeId: z.string(),
          transferId: z.string().optional(),
          capturedMinor: z.number().int(),
          refundedMinor: z.number().int(),
          paidOutMinor: z.number().int(),
          reversedMinor: z.number().int(),
        }),
      )
      .optional()
      .describe('Present when a longer reschedule captured the difference as a payment of its own: each payment’s money (the totals are their sums)'),
    meetingJoinUrl: z.string().optional(),
    pendingReschedule: RescheduleProposalSchema.optional(),
    noShowReports: z.array(
      z.object({
        reportedBy: z.enum(['student', 'tutor']),
        absent: z.enum(['student', 'tutor']),
        note: z.string().optional(),
        at: instant,
        contestedAt: instant.optional().describe('The party reported absent said they were there: an admin decides'),
        contestNote: z.string().optional(),
        refundAt: instant.optional().describe('An absent tutor who does not contest by then: the student is refunded in full'),
      }),
    ),
    payoutFrozen: z.boolean(),
    problem: z
      .object({
        reason: z.enum(DISPUTE_REASONS),
        text: z.string(),
        attachmentFileId: uuid.optional(),
        at: instant,
        decision: z.object({ refundMinor: z.number().int(), adminId: uuid, reason: z.string(), at: instant }).optional(),
      })
      .optional()
      .describe('The student’s report of a problem with the lesson (a dispute), and the admin’s decision once made'),
    reversedMinor: z.number().int().optional().describe('Taken back from the tutor after a refund that came after the payout'),
    attention: z
      .array(
        z.object({
          id: z.string(),
          reason: z.enum(['capture_failed', 'release_failed', 'refund_failed', 'reversal_failed', 'payout_failed', 'read_model_failed']),
          message: z.string(),
          since: instant,
          amountMinor: z.number().int().optional(),
          retryable: z.boolean(),
        }),
      )
      .optional()
      .describe('What waits for an admin (the failure policy); absent when nothing does'),
  })
  .meta({ id: 'BookingState', description: 'The live state of a booking, as its workflow sees it' });

export const ActionAcceptedSchema = z
  .object({
    bookingId: uuid,
    detail: z.string(),
    href: z.string().describe('Where the booking shows the effect once it is applied'),
  })
  .meta({ id: 'BookingActionAccepted', description: 'The booking took the request but had not finished it within BOOKING_UPDATE_TIMEOUT' });

export const BookingSchema = z
  .object({
    id: uuid,
    studentId: uuid,
    tutorId: uuid,
    status: z.enum(BOOKING_STATUSES),
    paymentStatus: z.string(),
    sessionStart: instant,
    sessionEnd: instant,
    timeZone: z.string(),
    priceMinor: z.number().int(),
    currency: z.string().length(3),
    capturedMinor: z.number().int(),
    refundedMinor: z.number().int(),
    paidOutMinor: z.number().int(),
    paidWith: z.enum(PAID_WITH).describe('How the lesson is paid: a card hold, a package’s credit, or the student’s trial lesson'),
    packageId: uuid.nullable().describe('The package whose credit pays (paidWith credit)'),
    meetingJoinUrl: z.string().nullable(),
    requestExpiresAt: instant,
    closeReason: z.string().nullable(),
    attentionReason: z.string().nullable().describe('Why the booking waits for an admin (failure policy); null when nothing does'),
    attentionSince: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Booking' });

export const BookingListQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((text) => (text ? text.split(',') : undefined))
    .pipe(z.array(z.enum(BOOKING_STATUSES)).optional())
    .describe('Comma-separated statuses'),
  from: clientInstant.optional().describe('Lessons starting at or after'),
  to: clientInstant.optional().describe('Lessons starting before'),
  cursor: cursorQuery('uuid').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  attention: z
    .enum(['true', 'false'])
    .optional()
    .transform((text) => (text === undefined ? undefined : text === 'true'))
    .describe('Admins: only bookings that wait for a person (true) or none that do (false)'),
  tutorId: uuid.optional().describe('Admins: one tutor’s bookings'),
  studentId: uuid.optional().describe('Admins: one student’s bookings'),
});

export const BookingListSchema = z.object({ items: z.array(BookingSchema), nextCursor: z.string().nullable() }).meta({ id: 'BookingList' });

export const TimelineSchema = z
  .object({
    booking: BookingSchema,
    events: z.array(
      z.object({
        type: z.string(),
        at: instant,
        actor: z.enum(['student', 'tutor', 'admin', 'system']),
        actorId: z.string().nullable(),
        data: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .meta({ id: 'BookingTimeline' });

export const ReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const OptionalReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export const RescheduleBody = z.strictObject({ start: clientInstant, lengthMinutes: z.number().int().min(15).max(240) });
export const AnswerRescheduleBody = z.strictObject({ accept: z.boolean() });
export const NoShowBody = z.strictObject({ note: z.string().trim().max(1000).optional() });

export const AdminCancelBody = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  refundAmountMinor: z.number().int().min(0).optional().describe('Default: everything captured and not yet refunded'),
});
export const AdminRefundBody = z.strictObject({ amountMinor: z.number().int().positive(), reason: z.string().trim().min(1).max(500) });
export const ResolveAttentionBody = z.strictObject({
  action: z.enum(['retry', 'close']).describe('retry: run the failed step again (same idempotency key); close: it was settled outside'),
  reason: z.string().trim().min(1).max(500),
  itemId: z.string().min(1).max(200).optional().describe('Which item (see the booking state’s `attention`); the oldest by default'),
});
export const TutorIdParams = z.object({ id: uuid.describe('The tutor’s user id') });
export const TutorNoShowsSchema = z
  .object({ tutorId: uuid, reported: z.number().int(), confirmed: z.number().int() })
  .meta({ id: 'TutorNoShows', description: 'Students’ reports that the tutor did not show up, and those confirmed (uncontested, or decided by an admin)' });
export const AdminResolveBody = z.strictObject({ decision: z.enum(['pay_tutor', 'refund_student']), reason: z.string().trim().min(1).max(500) });
export const ReportProblemBody = z.strictObject({
  reason: z.enum(DISPUTE_REASONS),
  text: z.string().trim().min(1).max(DISPUTE_TEXT_MAX).describe('What went wrong, in the student’s words'),
  attachmentFileId: uuid.optional().describe('A file the student uploaded and confirmed (purpose message_attachment): a screenshot, a recording'),
});
export const DecideDisputeBody = z.strictObject({
  refundMinor: z.number().int().min(0).describe('How much of what remains goes back to the student: 0 pays the tutor in full; all that remains refunds in full'),
  reason: z.string().trim().min(1).max(500),
});
export const DisputeListQuery = z.object({ cursor: cursorQuery('uuid').optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });
export const DisputeListSchema = z
  .object({
    items: z.array(
      z.object({
        bookingId: uuid,
        studentId: uuid,
        tutorId: uuid,
        reason: z.enum(DISPUTE_REASONS),
        text: z.string(),
        attachmentFileId: uuid.nullable(),
        openedAt: instant,
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'OpenDisputes', description: 'Disputes that wait for an admin’s decision, oldest first' });
