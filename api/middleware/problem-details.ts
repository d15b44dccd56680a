/**
 * The single place where errors become HTTP answers: RFC 9457 problem documents
 * (application/problem+json). An AppError maps by kind; an error from Koa or its middleware (a
 * malformed JSON body, a body too large) keeps its status and, where it is meant for the client
 * (`expose`), its message; anything else is a 500 that says nothing about the inside and is logged
 * in full here, once.
 */
import { STATUS_CODES } from 'node:http';
import type { Context, Middleware } from 'koa';
import { AppError, type ErrorKind, isAppError } from '../../domain/errors.js';
import type { AppState } from '../context.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  payment_failed: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

const KIND_BY_STATUS = new Map<number, ErrorKind>(
  Object.entries(STATUS_BY_KIND).map(([kind, status]) => [status, kind as ErrorKind]),
);

export function statusOf(kind: ErrorKind): number {
  return STATUS_BY_KIND[kind];
}

export function problemType(kind: ErrorKind | 'internal'): string {
  return `urn:tutorflow:problem:${kind.replaceAll('_', '-')}`;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance: string;
  requestId: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

/** An error thrown by Koa itself or by http-errors (body parser, ctx.throw). */
interface HttpError extends Error {
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

function toProblem(error: unknown, ctx: Context & { state: AppState }): Problem {
  const base = { instance: ctx.path, requestId: ctx.state.requestId };
  if (isAppError(error)) {
    const status = statusOf(error.kind);
    return {
      ...error.extensions,
      type: problemType(error.kind),
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail: error.detail,
      ...base,
      ...(error.issues ? { errors: error.issues } : {}),
    };
  }
  const httpError = error as HttpError;
  const status = httpError.status ?? httpError.statusCode;
  if (status && status >= 400 && status < 500) {
    const kind = KIND_BY_STATUS.get(status);
    return {
      // RFC 9457: about:blank when the status says all there is to say (405, 406, ...).
      type: kind ? problemType(kind) : 'about:blank',
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail: httpError.expose || isJsonSyntaxError(httpError) ? describeClientError(httpError) : undefined,
      ...base,
    };
  }
  if (isDatabaseUnavailable(error)) {
    return { type: problemType('unavailable'), title: STATUS_CODES[503]!, status: 503, detail: 'The service is briefly unavailable; try again shortly', ...base };
  }
  return { type: problemType('internal'), title: STATUS_CODES[500]!, status: 500, detail: 'Something went wrong on our side; the request id helps us find it', ...base };
}

/** Postgres refusing, dropping or shutting down connections, or the pool timing out: retrying later may succeed. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
function isDatabaseUnavailable(error: unknown): boolean {
  const candidate = error as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (!candidate || typeof candidate !== 'object') return false;
  if (typeof candidate.code === 'string' && UNAVAILABLE_CODES.has(candidate.code)) return true;
  if (candidate.name === 'KnexTimeoutError') return true;
  // Knex puts the SQL in front of the driver's message ("select … - Query read timeout"): match anywhere.
  return typeof candidate.message === 'string' && /Connection terminated|Connection ended unexpectedly|Query read timeout/.test(candidate.message);
}

/** The body parser reports a malformed body as a 400 SyntaxError without marking it for the client. */
const isJsonSyntaxError = (error: HttpError) => error.name === 'SyntaxError' && (error.status ?? error.statusCode) === 400;

function describeClientError(error: HttpError): string {
  if (isJsonSyntaxError(error)) return `The request body is not valid JSON: ${error.message}`;
  return error.message;
}

export function problemDetails(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined && ctx.status === 404) {
        throw new AppError('not_found', `No route answers ${ctx.method} ${ctx.path}`);
      }
      // The router says 501 for a method it knows nothing of (TRACE, QUERY): to a client that is a 405 too.
      if (ctx.body === undefined && (ctx.status === 405 || ctx.status === 501)) {
        throw Object.assign(new Error(`${ctx.method} is not allowed here; allowed: ${ctx.response.get('Allow')}`), { status: 405, expose: true });
      }
    } catch (error) {
      const problem = toProblem(error, ctx);
      if (problem.status >= 500) {
        ctx.state.log.error({ err: error }, 'request failed');
      }
      if (isAppError(error) && error.retryAfterSeconds !== undefined) {
        ctx.set('Retry-After', String(Math.ceil(error.retryAfterSeconds)));
      } else if (problem.status === 503) {
        ctx.set('Retry-After', '5');
      }
      ctx.status = problem.status;
      ctx.type = PROBLEM_CONTENT_TYPE;
      ctx.body = JSON.stringify(problem);
    }
  };
}
