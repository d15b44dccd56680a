import { randomUUID } from 'node:crypto';
import type { Booking, BookingEvent } from '../../../db/models/booking.js';
import type { BookingService } from '../../../services/bookings/booking-service.js';
import { decodeCursor, encodeCursor } from '../../cursor.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import {
  AdminCancelBody,
  AdminRefundBody,
  AdminResolveBody,
  AnswerRescheduleBody,
  AuditLogQuery,
  AuditLogSchema,
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
  TimelineSchema,
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
  meetingJoinUrl: booking.meetingJoinUrl,
  requestExpiresAt: booking.requestExpiresAt.toISOString(),
  closeReason: booking.closeReason,
  createdAt: booking.createdAt.toISOString(),
  updatedAt: booking.updatedAt.toISOString(),
});

const toEventView = (event: BookingEvent) => ({ type: event.type, at: event.at.toISOString(), actor: event.actor, actorId: event.actorId, data: event.data });

const STATE = { 200: { description: 'The booking’s state after the change', schema: BookingStateSchema } };

export function bookingRoutes(bookings: BookingService): RouteSpec[] {
  /** Every party action shares one shape: a booking id, a small body, the state afterwards. */
  const action = <B extends typeof ReasonBody | typeof OptionalReasonBody | typeof RescheduleBody | typeof AnswerRescheduleBody | typeof NoShowBody>(spec: {
    path: string;
    operationId: string;
    summary: string;
    description: string;
    body: B;
    run: (principal: Parameters<BookingService['get']>[0], id: string, body: ReturnType<B['parse']>) => Promise<unknown>;
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
      errors: [404, 409, 422],
      handler: async (ctx, { params, body }) => {
        ctx.body = await spec.run(ctx.state.principal!, params.id, body as ReturnType<B['parse']>);
      },
    });

  return [
    defineRoute({
      method: 'post',
      path: '/api/bookings',
      operationId: 'requestBooking',
      summary: 'Request a lesson (students)',
      description:
        'Holds the time (no two live bookings of a tutor overlap), authorizes the card and starts the booking’s workflow. 201 with the new booking; the same Idempotency-Key returns the same booking with 200; the same key with another body is 422. When the card needs 3-D Secure, `paymentClientSecret` lets the frontend finish it with Stripe.js and the booking proceeds on Stripe’s webhook.',
      tags: ['bookings'],
      access: 'user',
      headers: IdempotencyHeaders,
      body: CreateBookingBody,
      responses: {
        201: { description: 'The booking was requested (or scheduled, for an instant-booking tutor)', schema: BookingStateSchema },
        200: { description: 'This Idempotency-Key already made this booking', schema: BookingStateSchema },
      },
      errors: [402, 403, 404, 409, 422],
      handler: async (ctx, { body, headers }) => {
        const outcome = await bookings.request(ctx.state.principal!, body, headers['idempotency-key']!);
        ctx.status = outcome.created ? 201 : 200;
        ctx.set('Location', `/api/bookings/${outcome.booking.bookingId}`);
        ctx.body = outcome.booking;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/bookings',
      operationId: 'listBookings',
      summary: 'Your bookings, newest lesson first',
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
      description: 'The other party accepts or declines the proposal; on acceptance every timer, the meeting and the calendars move.',
      body: RescheduleBody,
      run: (principal, id, body) => bookings.proposeReschedule(principal, id, body.start, body.lengthMinutes),
    }),
    action({
      path: 'reschedule/answer',
      operationId: 'answerReschedule',
      summary: 'Accept or decline the other party’s proposed time',
      description: 'Accepting moves the lesson if the tutor is still free at the new time (409 otherwise).',
      body: AnswerRescheduleBody,
      run: (principal, id, body) => bookings.answerReschedule(principal, id, body.accept),
    }),
    action({
      path: 'no-show',
      operationId: 'reportNoShow',
      summary: 'Report that the other party did not show up',
      description: 'Freezes the tutor’s payout until an admin decides.',
      body: NoShowBody,
      run: (principal, id, body) => bookings.reportNoShow(principal, id, body.note),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/bookings/:id/cancel',
      operationId: 'adminCancelBooking',
      summary: 'Cancel any live booking (admins), with a reason',
      description: 'Refunds everything captured unless `refundAmountMinor` says otherwise. Recorded in the audit log with the admin’s id.',
      tags: ['admin'],
      access: 'admin',
      params: BookingIdParams,
      body: AdminCancelBody,
      responses: STATE,
      errors: [404, 409, 422],
      handler: async (ctx, { params, body }) => {
        ctx.body = await bookings.cancel(ctx.state.principal!, params.id, body.reason, body.refundAmountMinor);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/bookings/:id/refunds',
      operationId: 'adminRefundBooking',
      summary: 'Refund an amount of a booking (admins)',
      description: 'Refused (422) above what was captured and not yet refunded. If the tutor was already paid, the transfer is reversed by the refunded amount. Recorded in the audit log.',
      tags: ['admin'],
      access: 'admin',
      params: BookingIdParams,
      body: AdminRefundBody,
      responses: STATE,
      errors: [404, 409, 422],
      handler: async (ctx, { params, body }) => {
        ctx.body = await bookings.adminRefund(ctx.state.principal!, params.id, body.amountMinor, body.reason, ctx.state.requestId ?? randomUUID());
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/bookings/:id/payout-resolution',
      operationId: 'adminResolvePayout',
      summary: 'Decide a frozen payout (admins): pay the tutor or refund the student',
      tags: ['admin'],
      access: 'admin',
      params: BookingIdParams,
      body: AdminResolveBody,
      responses: STATE,
      errors: [404, 409],
      handler: async (ctx, { params, body }) => {
        ctx.body = await bookings.adminResolvePayout(ctx.state.principal!, params.id, body.decision, body.reason);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/audit-log',
      operationId: 'getAdminAuditLog',
      summary: 'Every admin action on bookings, newest first',
      tags: ['admin'],
      access: 'admin',
      query: AuditLogQuery,
      responses: { 200: { description: 'A page of admin actions', schema: AuditLogSchema } },
      handler: async (ctx, { query }) => {
        const before = query.cursor ? decodeCursor(query.cursor) : undefined;
        const events = await bookings.auditLog(query.limit, before);
        const last = events.at(-1);
        ctx.body = {
          items: events.map((event) => ({ bookingId: event.bookingId, adminId: event.actorId, type: event.type, at: event.at.toISOString(), data: event.data })),
          nextCursor: last && events.length === query.limit ? encodeCursor({ at: last.at, id: String(last.id) }) : null,
        };
      },
    }),
  ];
}
