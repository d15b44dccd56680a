/**
 * Every log line of a request about a booking carries `bookingId` and `workflowId` beside the
 * `requestId` (and the trace id, from the logger's mixin): for `/api/…bookings/:id/…` from the path
 * parameter before the handler runs, and for a created booking from the answer, on the access-log line.
 */
import type { Middleware } from 'koa';
import type { AppState } from '../context.js';

const BOOKING_PATH = /^\/api\/(admin\/)?bookings\/[^/]+/;

const bookingFields = (bookingId: string) => ({ bookingId, workflowId: `booking-${bookingId}` });

/** For router.param('id', …): the booking routes' `:id` is the booking's id. */
export const bookingIdParam = async (id: string, ctx: Parameters<Middleware<AppState>>[0], next: () => Promise<unknown>) => {
  if (BOOKING_PATH.test(ctx.path)) ctx.state.log = ctx.state.log.child(bookingFields(id));
  return next();
};

/** The booking a POST /api/bookings created (or found again) is only known from its answer. */
export function createdBookingLogContext(): Middleware<AppState> {
  return async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== '/api/bookings') return;
    const bookingId = (ctx.body as { bookingId?: unknown } | undefined)?.bookingId;
    if (typeof bookingId === 'string') ctx.state.log = ctx.state.log.child(bookingFields(bookingId));
  };
}
