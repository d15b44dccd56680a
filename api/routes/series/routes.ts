/** Weekly lesson series: book one, read it (with each week's outcome), skip a week, cancel the rest. */
import type { Context } from 'koa';
import type { LessonSeries } from '../../../db/repositories/series-repository.js';
import type { SeriesService, SeriesView } from '../../../services/series/series-service.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import { IdempotencyHeaders } from '../bookings/schemas.js';
import { CancelSeriesBody, CreateSeriesBody, SeriesAcceptedSchema, SeriesIdParams, SeriesListQuery, SeriesListSchema, SeriesSchema, SkipWeekBody } from './schemas.js';

const seriesView = (series: LessonSeries) => ({
  id: series.id,
  studentId: series.studentId,
  tutorId: series.tutorId,
  lengthMinutes: series.lengthMinutes,
  timeZone: series.timeZone,
  status: series.status,
  cancelledAt: series.cancelledAt?.toISOString() ?? null,
  cancelReason: series.cancelReason,
  createdAt: series.createdAt.toISOString(),
});

const toView = ({ series, weeks }: SeriesView) => ({
  ...seriesView(series),
  weeks: weeks.map((week) => ({
    week: week.week,
    sessionStart: week.sessionStart.toISOString(),
    sessionEnd: week.sessionEnd.toISOString(),
    status: week.status,
    bookingId: week.bookingId,
    bookingStatus: week.bookingStatus,
    reason: week.reason,
    detail: week.detail,
  })),
});

const STATE = {
  200: { description: 'The series after the change', schema: SeriesSchema },
  202: { description: 'Taken, not finished within BOOKING_UPDATE_TIMEOUT: the series (Location) shows it when applied', schema: SeriesAcceptedSchema },
};

function answer(ctx: Context, seriesId: string, view: SeriesView | undefined): void {
  if (view) {
    ctx.body = toView(view);
    return;
  }
  const href = `/api/series/${seriesId}`;
  ctx.status = 202;
  ctx.set('Location', href);
  ctx.body = { seriesId, href, detail: 'The series took the request and is still working on it.' };
}

export function seriesRoutes(series: SeriesService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/series',
      operationId: 'createSeries',
      summary: 'Book a weekly lesson series (students)',
      description:
        'The first lesson is checked as a booking would be (409 `tutor_busy`, 422 naming the rule). Each week then becomes its own booking, with its own hold on the saved card (authorized off-session), SERIES_BOOKING_LEAD before its lesson. A week that cannot be booked then (tutor or student busy, card declined, time no longer offered) is marked `taken` with its reason and the student is emailed; the other weeks go on. 201 with the series; the same Idempotency-Key answers the same series with 200.',
      tags: ['series'],
      access: 'user',
      headers: IdempotencyHeaders,
      body: CreateSeriesBody,
      responses: {
        201: { description: 'The series; its weeks are booked as they come due', schema: SeriesSchema },
        200: { description: 'This Idempotency-Key already made this series', schema: SeriesSchema },
      },
      errors: [403, 404, 409, 422, 503],
      handler: async (ctx, { body, headers }) => {
        const { created, view } = await series.create(ctx.state.principal!, body, headers['idempotency-key']!);
        ctx.status = created ? 201 : 200;
        ctx.set('Location', `/api/series/${view.series.id}`);
        ctx.body = toView(view);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/series',
      operationId: 'listSeries',
      summary: 'Your weekly lesson series, newest first',
      tags: ['series'],
      access: 'user',
      query: SeriesListQuery,
      responses: { 200: { description: 'The series', schema: SeriesListSchema } },
      errors: [403],
      handler: async (ctx, { query }) => {
        ctx.body = { items: (await series.list(ctx.state.principal!, query.limit)).map(seriesView) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/series/:id',
      operationId: 'getSeries',
      summary: 'A series and what became of each week',
      tags: ['series'],
      access: 'user',
      params: SeriesIdParams,
      responses: { 200: { description: 'The series', schema: SeriesSchema } },
      errors: [404],
      handler: async (ctx, { params }) => {
        ctx.body = toView(await series.get(ctx.state.principal!, params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/series/:id/skip',
      operationId: 'skipSeriesWeek',
      summary: 'Skip one future week (the student)',
      description: 'A week not booked yet is never booked; a booked week’s lesson is cancelled by the booking’s own rules (its refund tier). 409 for a week already over, taken, skipped or cancelled.',
      tags: ['series'],
      access: 'user',
      params: SeriesIdParams,
      body: SkipWeekBody,
      responses: STATE,
      errors: [403, 404, 409, 422, 503],
      handler: async (ctx, { params, body }) => {
        answer(ctx, params.id, await series.skip(ctx.state.principal!, params.id, body.week));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/series/:id/cancel',
      operationId: 'cancelSeries',
      summary: 'Cancel the rest of a series (either party, or an admin)',
      description: 'No further week is booked; each future lesson already booked is cancelled by the booking’s own rules (who cancels, how late). Lessons already under way or over are left alone.',
      tags: ['series'],
      access: 'user',
      params: SeriesIdParams,
      body: CancelSeriesBody,
      responses: STATE,
      errors: [404, 409, 503],
      handler: async (ctx, { params, body }) => {
        answer(ctx, params.id, await series.cancel(ctx.state.principal!, params.id, body.reason));
      },
    }),
  ];
}
