/**
 * A route is declared once, as data: its method and path, the zod schemas of its input and of each
 * response, and a thin handler. The same declaration mounts the route on Koa (validating input
 * before the handler runs) and describes it in the OpenAPI document, so the two cannot drift apart.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import { AppError, type FieldIssue } from '../domain/errors.js';
import { NUL_MESSAGE, nulPaths } from '../domain/safe-input.js';
import type { AppState } from './context.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route; enforced by the auth middleware the app is built with. */
export type Access = 'public' | 'user' | 'admin';

export interface ResponseSpec {
  description: string;
  /** Omitted for responses without a body (204). */
  schema?: z.ZodType;
  /** Defaults to application/json; several when the body's type depends on what is asked for. */
  contentType?: string | string[];
  /** Response headers worth documenting (e.g. Set-Cookie), name → what it carries. */
  headers?: Record<string, string>;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Parsed by the route's `headers` schema; empty when it has none. */
  headers: Record<string, string>;
}

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** Koa path syntax: /api/bookings/:id */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** Request headers the route reads (names in lower case), e.g. idempotency-key. */
  headers?: z.ZodObject;
  /** Cookies the route reads (browsers); documented as cookie parameters, read by the handler itself. */
  cookies?: z.ZodObject;
  /** Success responses by status; the standard problem responses are added to the document. */
  responses: Record<number, ResponseSpec>;
  /** Error statuses this route can answer beyond the ones every route can (400, 401, 429, 500). */
  errors?: number[];
  /** Skip the JSON body parser (Stripe webhooks need the raw bytes). */
  rawBody?: boolean;
  handler: (ctx: Context & { state: AppState }, input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<void>;
}

/** Keeps the handler's input typed from the schemas without restating them. */
export function defineRoute<P extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}

function toIssues(error: z.ZodError, where: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

function parsePart(schema: z.ZodType | undefined, value: unknown, where: string, issues: FieldIssue[]): unknown {
  if (!schema) return undefined;
  // PostgreSQL cannot store NUL in text: refused here, for every string of every route, present and future.
  const withNul = nulPaths(value, [where]);
  if (withNul.length > 0) {
    issues.push(...withNul.map((path) => ({ path, message: NUL_MESSAGE })));
    return undefined;
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  issues.push(...toIssues(result.error, where));
  return undefined;
}

export type AccessGuard = (ctx: Context & { state: AppState }, access: Access) => Promise<void>;

/**
 * Routes match one spelling only: case-sensitive, no trailing slash. /API/auth/login or
 * /api/auth/login/ is a 404, not a second door around what is keyed on the path (rate limits).
 */
export const ROUTER_OPTIONS = { sensitive: true, strict: true } as const;

/** Mounts each route: access check, then input validation, then the handler. */
export function mountRoutes(router: Router<AppState>, routes: RouteSpec[], guard: AccessGuard): void {
  for (const route of routes) {
    router[route.method](route.operationId, route.path, async (ctx) => {
      await guard(ctx, route.access);
      const issues: FieldIssue[] = [];
      const input = {
        params: parsePart(route.params, ctx.params, 'params', issues),
        query: parsePart(route.query, ctx.query, 'query', issues),
        body: parsePart(route.body, ctx.request.body, 'body', issues),
        headers: (parsePart(route.headers, ctx.headers, 'headers', issues) ?? {}) as Record<string, string>,
      };
      if (issues.length > 0) {
        throw AppError.invalidInput('The request has invalid fields; see "errors" for each one', issues);
      }
      await route.handler(ctx, input as RouteInput<never, never, never>);
    });
  }
}
