/**
 * Disputes: a student reports a problem with a lesson within the payout hold (the payout freezes);
 * an admin lists the open ones and decides each (refund part or all of what remains; the tutor is
 * paid on the rest).
 */
import type { DisputeReason } from '../../../domain/booking-disputes.js';
import type { DisputeService } from '../../../services/bookings/dispute-service.js';
import { decodeCursor, encodeCursor } from '../../cursor.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import { answerUpdate, STATE } from './routes.js';
import { BookingIdParams, DecideDisputeBody, DisputeListQuery, DisputeListSchema, ReportProblemBody } from './schemas.js';

export function disputeRoutes(disputes: DisputeService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/bookings/:id/dispute',
      operationId: 'reportLessonProblem',
      summary: 'Report a problem with a lesson (its student), within the payout hold',
      description:
        'The tutor’s payout freezes until an admin decides; both parties are emailed. Possible once the lesson has ended and until the payout hold ends, once per booking, while something paid remains (409 otherwise). An attachment must be the student’s own confirmed upload (422 otherwise).',
      tags: ['bookings'],
      access: 'user',
      params: BookingIdParams,
      body: ReportProblemBody,
      responses: STATE,
      errors: [404, 409, 422, 503],
      handler: async (ctx, { params, body }) => {
        answerUpdate(ctx, await disputes.report(ctx.state.principal!, params.id, body));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/bookings/:id/dispute/decision',
      operationId: 'adminDecideDispute',
      summary: 'Decide a reported problem (admins): refund part or all of what remains, the tutor is paid on the rest',
      description: '`refundMinor` 0 pays the tutor in full; all that remains refunds the student in full. Both parties are emailed; recorded in the audit log.',
      tags: ['admin'],
      access: 'admin',
      params: BookingIdParams,
      body: DecideDisputeBody,
      responses: STATE,
      errors: [404, 409, 422, 503],
      handler: async (ctx, { params, body }) => {
        answerUpdate(ctx, await disputes.decide(ctx.state.principal!, params.id, body.refundMinor, body.reason));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/disputes',
      operationId: 'listOpenDisputes',
      summary: 'Disputes waiting for a decision (admins), oldest first',
      tags: ['admin'],
      access: 'admin',
      query: DisputeListQuery,
      responses: { 200: { description: 'A page of open disputes', schema: DisputeListSchema } },
      handler: async (ctx, { query }) => {
        const after = query.cursor ? decodeCursor(query.cursor, 'uuid') : undefined;
        const items = await disputes.listOpen(ctx.state.principal!, query.limit, after);
        const last = items.at(-1);
        ctx.body = {
          items: items.map((item) => ({
            bookingId: item.bookingId,
            studentId: item.studentId,
            tutorId: item.tutorId,
            reason: item.reason as DisputeReason,
            text: item.text,
            attachmentFileId: item.attachmentFileId,
            openedAt: item.openedAt.toISOString(),
          })),
          nextCursor: last && items.length === query.limit ? encodeCursor({ at: last.openedAt, id: last.bookingId }) : null,
        };
      },
    }),
  ];
}
