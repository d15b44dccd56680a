/** Reviews of ended lessons: written by the student, answered by the tutor, listed publicly, moderated by admins. */
import type { Review } from '../../../db/models/review.js';
import type { ModeratedReview, PublicReview } from '../../../db/repositories/review-repository.js';
import type { ReviewService } from '../../../services/reviews/review-service.js';
import { decodeCursor, encodeCursor } from '../../cursor.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import {
  BookingIdParams,
  HideReviewBody,
  ModerationListQuery,
  ModerationListSchema,
  ReplyBody,
  ReportReviewBody,
  ReviewBody,
  ReviewIdParams,
  ReviewListQuery,
  ReviewListSchema,
  ReviewSchema,
  TutorIdParams,
} from './schemas.js';

const iso = (at: Date | null) => (at ? at.toISOString() : null);

export function reviewRoutes(reviews: ReviewService): RouteSpec[] {
  const toView = (review: Review) => ({
    id: review.id,
    bookingId: review.bookingId,
    tutorId: review.tutorId,
    studentId: review.studentId,
    rating: review.rating,
    text: review.text,
    reply: review.reply,
    repliedAt: iso(review.repliedAt),
    hidden: review.hiddenAt !== null,
    hiddenReason: review.hiddenReason,
    editableUntil: reviews.editableUntil(review).toISOString(),
    createdAt: review.createdAt.toISOString(),
    updatedAt: review.updatedAt.toISOString(),
  });
  const toPublicView = ({ review, studentName }: PublicReview) => ({
    id: review.id,
    studentName,
    rating: review.rating,
    text: review.text,
    reply: review.reply,
    repliedAt: iso(review.repliedAt),
    createdAt: review.createdAt.toISOString(),
    updatedAt: review.updatedAt.toISOString(),
  });
  const toModeratedView = ({ review, tutorName, studentName, reportCount, lastReport }: ModeratedReview) => ({
    ...toView(review),
    tutorName,
    studentName,
    reportCount,
    lastReport: lastReport ? { reason: lastReport.reason, at: lastReport.at.toISOString() } : null,
  });
  const ONE = { 200: { description: 'The review', schema: ReviewSchema } };

  return [
    defineRoute({
      method: 'post',
      path: '/api/bookings/:id/review',
      operationId: 'createReview',
      summary: 'Review an ended lesson (its student), once',
      description:
        'Within REVIEW_WINDOW of the lesson’s end: a rating from 1 to 5 and a text. 409 when the booking has not ended, the window is over, or the lesson already has a review. The tutor’s rating (search `sort=rating`, `minRating`) moves at once.',
      tags: ['reviews'],
      access: 'user',
      params: BookingIdParams,
      body: ReviewBody,
      responses: { 201: { description: 'The new review', schema: ReviewSchema } },
      errors: [404, 409],
      handler: async (ctx, { params, body }) => {
        const review = await reviews.create(ctx.state.principal!, params.id, body);
        ctx.status = 201;
        ctx.set('Location', `/api/reviews/${review.id}`);
        ctx.body = toView(review);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/bookings/:id/review',
      operationId: 'getBookingReview',
      summary: 'The review of a lesson (its student, its tutor, admins)',
      description: '404 when the lesson has no review yet. A hidden review shows here with its reason.',
      tags: ['reviews'],
      access: 'user',
      params: BookingIdParams,
      responses: ONE,
      errors: [404],
      handler: async (ctx, { params }) => {
        ctx.body = toView(await reviews.forBooking(ctx.state.principal!, params.id));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/reviews/:id',
      operationId: 'updateReview',
      summary: 'Edit your review (its student), within REVIEW_EDIT_WINDOW of writing it',
      description: '409 after the edit window, or once a moderator hid the review.',
      tags: ['reviews'],
      access: 'user',
      params: ReviewIdParams,
      body: ReviewBody,
      responses: ONE,
      errors: [404, 409],
      handler: async (ctx, { params, body }) => {
        ctx.body = toView(await reviews.edit(ctx.state.principal!, params.id, body));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/reviews/:id/reply',
      operationId: 'replyToReview',
      summary: 'Answer a review of your lesson (its tutor), once',
      tags: ['reviews'],
      access: 'user',
      params: ReviewIdParams,
      body: ReplyBody,
      responses: ONE,
      errors: [404, 409],
      handler: async (ctx, { params, body }) => {
        ctx.body = toView(await reviews.reply(ctx.state.principal!, params.id, body.text));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/tutors/:id/reviews',
      operationId: 'listTutorReviews',
      summary: 'A tutor’s reviews, newest first',
      description: 'Reviews hidden by a moderator are left out. Keyset pages: follow nextCursor.',
      tags: ['reviews'],
      access: 'public',
      params: TutorIdParams,
      query: ReviewListQuery,
      responses: { 200: { description: 'A page of reviews', schema: ReviewListSchema } },
      errors: [401],
      handler: async (ctx, { params, query }) => {
        const before = query.cursor ? decodeCursor(query.cursor, 'uuid') : undefined;
        const items = await reviews.listForTutor(params.id, query.limit, before);
        const last = items.at(-1);
        ctx.body = {
          items: items.map(toPublicView),
          nextCursor: last && items.length === query.limit ? encodeCursor({ at: last.review.createdAt, id: last.review.id }) : null,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/reviews/:id/hide',
      operationId: 'adminHideReview',
      summary: 'Hide a review (admins), with a reason',
      description: 'The review leaves the public list and the tutor’s rating. Recorded in the audit log (GET /api/admin/audit-log) as `review.hidden` on its booking. 409 if it is already hidden.',
      tags: ['admin'],
      access: 'admin',
      params: ReviewIdParams,
      body: HideReviewBody,
      responses: ONE,
      errors: [404, 409],
      handler: async (ctx, { params, body }) => {
        ctx.body = toView(await reviews.hide(ctx.state.principal!, params.id, body.reason));
      },
    }),
      defineRoute({
      method: 'post',
      path: '/api/reviews/:id/report',
      operationId: 'reportReview',
      summary: 'Report a review of your lesson to the moderators (its tutor), once',
      description: 'For a review that breaks the rules (personal details, abuse, not about the lesson): it shows in the admins’ moderation list (`view=reported`) with the reason, and stays public until an admin hides it. 409 for a second report; 404 for someone else’s review or a hidden one.',
      tags: ['reviews'],
      access: 'user',
      params: ReviewIdParams,
      body: ReportReviewBody,
      responses: { 204: { description: 'Reported' } },
      errors: [404, 409],
      handler: async (ctx, { params, body }) => {
        await reviews.report(ctx.state.principal!, params.id, body.reason);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/reviews',
      operationId: 'adminListReviews',
      summary: 'Reviews to moderate (admins): recent, reported or hidden, newest first',
      description: 'Each with its tutor and student, how often it was reported and the last reason. Filter by tutor and by rating (at most). Keyset pages: follow nextCursor. Hide one with POST /api/admin/reviews/{id}/hide.',
      tags: ['admin'],
      access: 'admin',
      query: ModerationListQuery,
      responses: { 200: { description: 'A page of reviews', schema: ModerationListSchema } },
      handler: async (ctx, { query }) => {
        const { cursor, ...filters } = query;
        const items = await reviews.listForModeration(ctx.state.principal!, { ...filters, ...(cursor ? { before: decodeCursor(cursor, 'uuid') } : {}) });
        const last = items.at(-1);
        ctx.body = {
          items: items.map(toModeratedView),
          nextCursor: last && items.length === query.limit ? encodeCursor({ at: last.review.createdAt, id: last.review.id }) : null,
        };
      },
    }),
  ];
}
