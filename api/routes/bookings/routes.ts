import type { Context } from 'koa';
import type { Booking, BookingEvent } from '../../../db/models/booking.js';
import type { BookingService } from '../../../services/bookings/booking-service.js';
import type { UpdateOutcome } from '../../../workflows/booking/client.js';
import { decodeCursor, encodeCursor } from '../../cursor.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import {
  ActionAcceptedSchema,
  AdminCancelBody,
  AdminIdempotencyHeaders,
  AdminRefundBody,
  AdminResolveBody,
  AnswerRescheduleBody,
  BookingIdParams,
  BookingListQuery,
  BookingListSchema,
  BookingSchema,
  BookingStateSchema,
  CreateBookingBody,
  IdempotencyHeaders,
  NoShowBody,
  OptionalReasonBody,
  ReasonBody,
  RescheduleBody,
  ResolveAttentionBody,
  TimelineSchema,
  TutorIdParams,
  TutorNoShowsSchema,
} from './schemas.js';

const toView = (booking: Booking) => ({
  id: booking.id,
  studentId: booking.studentId,
  tutorId: booking.tutorId,
  status: booking.status,
  paymentStatus: booking.paymentStatus,
  sessionStart: booking.sessionStart.toISOString(),
  sessionEnd: booking.sessionEnd.toISOString(),
  timeZone: booking.timeZone,
  priceMinor: booking.priceMinor,
  currency: booking.currency,
  capturedMinor: booking.capturedMinor,
  refundedMinor: booking.refundedMinor,
  paidOutMinor: booking.paidOutMinor,
  paidWith: booking.paidWith,
  packageId: booking.packageId,
  meetingJoinUrl: booking.meetingJoinUrl,
  requestExpiresAt: booking.requestExpiresAt.toISOString(),
  closeReason: booking.closeReason,
  attentionReason: booking.attentionReason ?? null,
  attentionSince: booking.attentionSince ? booking.attentionSince.toISOString() : null,
  createdAt: booking.createdAt.toISOString(),
  updatedAt: booking.updatedAt.toISOString(),
});

const toEventView = (event: BookingEvent) => ({ type: event.type, at: event.at.toISOString(), actor: event.actor, actorId: event.actorId, data: event.data });

export const STATE = {
  200: { description: 'The booking’s state after the change', schema: BookingStateSchema },
  202: { description: 'Taken, not finished within BOOKING_UPDATE_TIMEOUT: the change shows in the booking (Location) when applied', schema: ActionAcceptedSchema },
};

/** 200 with the new state, or 202 with where to look when the workflow had not finished in time. */
export function answerUpdate(ctx: Context, outcome: UpdateOutcome): void {
  if (outcome.done) {
    ctx.body = outcome.booking;
    return;
  }
  accepted(ctx, outcome.bookingId);
}

function accepted(ctx: Context, bookingId: string): void {
  const href = `/api/bookings/${bookingId}`;
  ctx.status = 202;
  ctx.set('Location', href);
  ctx.body = { bookingId, href, detail: 'The booking took the request and is still working on it; its state and timeline show the outcome.' };
}

export function bookingRoutes(bookings: BookingService): RouteSpec[] {
  /** Every party action shares one shape: a booking id, a small body, the state afterwards. */
  const action = <B extends typeof ReasonBody | typeof OptionalReasonBody | typeof RescheduleBody | typeof AnswerRescheduleBody | typeof NoShowBody>(spec: {
    path: string;
    operationId: string;
    summary: string;
    description: string;
    body: B;
    run: (principal: Parameters<BookingService['get']>[0], id: string, body: ReturnType<B['parse']>) => Promise<UpdateOutcome>;
  }): RouteSpec =>
    defineRoute({
      method: 'post',
      path: `/api/bookings/:id/${spec.path}`,
      operationId: spec.operationId,
      summary: spec.summary,
      description: spec.description,
      tags: ['bookings'],
      access: 'user',
      params: BookingIdParams,
      body: spec.body,
      responses: STATE,
      errors: [404, 409, 422, 503],
      handler: async (ctx, { params, body }) => {
        answerUpdate(ctx, await spec.run(ctx.state.principal!, params.id, body as ReturnType<B['parse']>));
      },
    });

  return [
    defineRoute({
      method: 'post',
      path: '/api/bookings',
      operationId: 'requestBooking',
      summary: 'Request a lesson (students)',
      description:
        'Holds the time (no two live bookings of a tutor overlap, nor two live lessons of a student: 409 with `conflict` = `tutor_busy`, or `student_busy` and `conflictingBooking` naming your other lesson’s time), authorizes the card and starts the booking’s workflow. 201 with the new booking; the same Idempotency-Key returns the same booking with 200; the same key with another body is 422. When the card needs 3-D Secure, `paymentClientSecret` lets the frontend finish it with Stripe.js and the booking proceeds on Stripe’s webhook.',
      tags: ['bookings'],
      access: 'user',
      headers: IdempotencyHeaders,
      body: CreateBookingBody,
      responses: {
        201: { description: 'The booking was requested (or scheduled, for an instant-booking tutor)', schema: BookingStateSchema },
        200: { description: 'This Idempotency-Key already made this booking', schema: BookingStateSchema },
        202: { description: 'Taken, not answered within BOOKING_UPDATE_TIMEOUT: retry with the same Idempotency-Key, or read the booking (Location)', schema: ActionAcceptedSchema },
      },
      errors: [402, 403, 404, 409, 422, 503],
      handler: async (ctx, { body, headers }) => {
        const outcome = await bookings.request(ctx.state.principal!, body, headers['idempotency-key']!);
        if (!outcome.booking) return accepted(ctx, outcome.bookingId);
        ctx.status = outcome.created ? 201 : 200;
        ctx.set('Location', `/api/bookings/${outcome.bookingId}`);
        ctx.body = outcome.booking;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/bookings',
      operationId: 'listBookings',
      summary: 'Your bookings, newest lesson first (admins: every booking, with filters)',
      description: 'Students and tutors see their own bookings. Admins see every booking and may filter by `attention` (bookings that wait for a person), `tutorId` and `studentId`.',
      tags: ['bookings'],
      access: 'user',
      query: BookingListQuery,
      responses: { 200: { description: 'A page of bookings', schema: BookingListSchema } },
      errors: [403],
      handler: async (ctx, { query }) => {
        const before = query.cursor ? decodeCursor(query.cursor) : undefined;
        const items = await bookings.list(ctx.state.principal!, {
          ...(query.status ? { statuses: query.status } : {}),
          ...(query.from ? { from: new Date(query.from) } : {}),
          ...(query.to ? { to: new Date(query.to) } : {}),
          ...(before ? { before: { sessionStart: before.at, id: before.id } } : {}),
          ...(query.attention !== undefined ? { attention: query.attention } : {}),
          ...(query.tutorId ? { tutorId: query.tutorId } : {}),
          ...(query.studentId ? { studentId: query.studentId } : {}),
          limit: query.limit,
        });
        const last = items.at(-1);
        ctx.body = {
          items: items.map(toView),
          nextCursor: last && items.length === query.limit ? encodeCursor({ at: last.sessionStart, id: last.id }) : null,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/bookings/:id',
      operationId: 'getBooking',
      summary: 'One booking (its parties and admins)',
      tags: ['bookings'],
      access: 'user',
      params: BookingIdParams,
      responses: { 200: { description: 'The booking', schema: BookingSchema } },
      errors: [404],
      handler: async (ctx, { params }) => {
        ctx.body = toView(await bookings.get(ctx.state.principal!, params.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/bookings/:id/timeline',
      operationId: 'getBookingTimeline',
      summary: 'Every step of a booking’s life, oldest first',
      tags: ['bookings'],
      access: 'user',
      params: BookingIdParams,
      responses: { 200: { description: 'The booking and its events', schema: TimelineSchema } },
      errors: [404],
      handler: async (ctx, { params }) => {
        const { booking, events } = await bookings.timeline(ctx.state.principal!, params.id);
        ctx.body = { booking: toView(booking), events: events.map(toEventView) };
      },
    }),
    action({
      path: 'accept',
      operationId: 'acceptBooking',
      summary: 'Accept a requested lesson (its tutor)',
      description: 'Captures the payment and schedules the lesson: a Zoom meeting, calendar events and emails follow.',
      body: OptionalReasonBody,
      run: (principal, id, body) => bookings.accept(principal, id, body.reason),
    }),
    action({
      path: 'decline',
      operationId: 'declineBooking',
      summary: 'Decline a requested lesson (its tutor)',
      description: 'Releases the card hold.',
      body: OptionalReasonBody,
      run: (principal, id, body) => bookings.decline(principal, id, body.reason),
    }),
    action({
      path: 'cancel',
      operationId: 'cancelBooking',
      summary: 'Cancel a booking (its student or tutor)',
      description: 'Before the tutor accepts, the card hold is released. After, the refund follows the tutor’s cancellation policy; a tutor’s cancellation refunds in full.',
      body: ReasonBody,
      run: (principal, id, body) => bookings.cancel(principal, id, body.reason),
    }),
    action({
      path: 'reschedule',
      operationId: 'proposeReschedule',
      summary: 'Propose a new time for a scheduled lesson',
      description:
        'Checked like a new booking: a bookable slot in the tutor’s schedule (this lesson’s own time aside), the minimum notice, the horizon and an offered length — 422 with `rule` (`outside_availability`, `too_soon`, `beyond_horizon`, `length_not_offered`) — and 409 `tutor_busy`. At most BOOKING_MAX_RESCHEDULES accepted reschedules; a student not within BOOKING_STUDENT_RESCHEDULE_CUTOFF of the start, nobody within the tutor’s notice. Another length is repriced pro rata (`pendingReschedule.priceMinor`). The proposal lapses after BOOKING_RESCHEDULE_PROPOSAL_TTL, never after the start minus the tutor’s notice. The other party accepts or declines it; on acceptance every timer, the meeting and the calendars move.',
      body: RescheduleBody,
      run: (principal, id, body) => bookings.proposeReschedule(principal, id, body.start, body.lengthMinutes),
    }),
    action({
      path: 'reschedule/answer',
      operationId: 'answerReschedule',
      summary: 'Accept or decline the other party’s proposed time',
      description:
        'Accepting moves the lesson if the tutor is still free and the student has no other lesson then (409 otherwise); a shorter lesson refunds the price difference; a longer one charges the difference to the student’s card as a payment of its own first (refused: 422 and the lesson stays as it was). Declining a tutor’s late proposal (`late`) cancels the lesson as the tutor’s cancellation: a full refund. An expired proposal is 409.',
      body: AnswerRescheduleBody,
      run: (principal, id, body) => bookings.answerReschedule(principal, id, body.accept),
    }),
    action({
      path: 'no-show',
      operationId: 'reportNoShow',
      summary: 'Report that the other party did not show up',
      description:
        'Possible from the start plus BOOKING_NO_SHOW_GRACE until the payout hold ends (409 otherwise). A tutor reporting an absent student is paid as for a held lesson unless the student contests within the hold. A student reporting an absent tutor freezes the payout: uncontested within BOOKING_NO_SHOW_CONTEST_WINDOW the student is refunded in full; contested, an admin decides.',
      body: NoShowBody,
      run: (principal, id, body) => bookings.reportNoShow(principal, id, body.note),
    }),
    action({
      path: 'no-show/contest',
      operationId: 'contestNoShow',
      summary: 'Say you were there after the other party reported you absent',
      description: 'The payout then waits for an admin. A tutor contests within BOOKING_NO_SHOW_CONTEST_WINDOW of the report, a student within the payout hold (409 otherwise).',
      body: NoShowBody,
      run: (principal, id, body) => bookings.contestNoShow(principal, id, body.note),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/bookings/:id/cancel',
      operationId: 'adminCancelBooking',
      summary: 'Cancel any live booking (admins), with a reason',
      description:
        'Refunds everything captured and not yet refunded unless `refundAmountMinor` says otherwise (never more than that). The Idempotency-Key is required: a repeated request is the same cancellation. Recorded in the audit log with the admin’s id.',
      tags: ['admin'],
      access: 'admin',
      headers: AdminIdempotencyHeaders,
      params: BookingIdParams,
      body: AdminCancelBody,
      responses: STATE,
      errors: [404, 409, 422, 503],
      handler: async (ctx, { params, body, headers }) => {
        answerUpdate(ctx, await bookings.adminCancel(ctx.state.principal!, params.id, body.reason, headers['idempotency-key']!, body.refundAmountMinor));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/bookings/:id/refunds',
      operationId: 'adminRefundBooking',
      summary: 'Refund an amount of a booking (admins)',
      description:
        'Refused (422) above what was captured and not yet refunded, and when Stripe refuses it. If the tutor was already paid, the transfer is reversed by the refunded amount. The Idempotency-Key is required: the same key refunds once (the same key with another amount is 422). Recorded in the audit log.',
      tags: ['admin'],
      access: 'admin',
      headers: AdminIdempotencyHeaders,
      params: BookingIdParams,
      body: AdminRefundBody,
      responses: STATE,
      errors: [404, 409, 422, 503],
      handler: async (ctx, { params, body, headers }) => {
        answerUpdate(ctx, await bookings.adminRefund(ctx.state.principal!, params.id, body.amountMinor, body.reason, headers['idempotency-key']!));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/bookings/:id/payout-resolution',
      operationId: 'adminResolvePayout',
      summary: 'Decide a frozen payout (admins): pay the tutor or refund the student',
      description: 'For no-show reports and chargebacks. A student’s open dispute of the lesson is decided at POST /api/admin/bookings/{id}/dispute/decision: while one is open this answers 409.',
      tags: ['admin'],
      access: 'admin',
      params: BookingIdParams,
      body: AdminResolveBody,
      responses: STATE,
      errors: [404, 409, 503],
      handler: async (ctx, { params, body }) => {
        answerUpdate(ctx, await bookings.adminResolvePayout(ctx.state.principal!, params.id, body.decision, body.reason));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/bookings/:id/attention',
      operationId: 'adminResolveAttention',
      summary: 'Settle what a booking waits for (admins): run the failed step again, or close it',
      description:
        'The failure policy: a money step Stripe refused for good (release, refund, reversal, payout, capture) or a read-model write Postgres refused leaves the booking waiting for an admin (`attention` in its state; `attention=true` in the admin list). `retry` runs the step again with the same Stripe idempotency key (422 when it is refused again); `close` records that it was settled outside, e.g. in Stripe’s dashboard.',
      tags: ['admin'],
      access: 'admin',
      params: BookingIdParams,
      body: ResolveAttentionBody,
      responses: STATE,
      errors: [404, 409, 422, 503],
      handler: async (ctx, { params, body }) => {
        answerUpdate(ctx, await bookings.adminResolveAttention(ctx.state.principal!, params.id, body.action, body.reason, body.itemId));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/tutors/:id/no-shows',
      operationId: 'getTutorNoShows',
      summary: 'How often a tutor was reported absent, and how often it was confirmed (admins)',
      description: 'Confirmed: the tutor did not contest a student’s report in time, or an admin refunded the student on it.',
      tags: ['admin'],
      access: 'admin',
      params: TutorIdParams,
      responses: { 200: { description: 'The tutor’s no-show counts', schema: TutorNoShowsSchema } },
      handler: async (ctx, { params }) => {
        ctx.body = await bookings.tutorNoShows(ctx.state.principal!, params.id);
      },
    }),
  ];
}
