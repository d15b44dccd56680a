/**
 * Builds the OpenAPI 3.1 document from the route declarations. OpenAPI 3.1 schemas are JSON Schema
 * 2020-12, which zod emits natively; schemas given an id with `.meta({ id })` become shared
 * components instead of being repeated inline.
 */
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE } from './middleware/problem-details.js';
import type { RouteSpec } from './routing.js';
import { BOOKING_RULES, CONFLICT_REASONS, DELETION_BLOCKER_KINDS, type ProblemExtensions, REFUSED_ACCOUNT_STATUSES } from '../domain/errors.js';

/** RFC 9457 extension members, each named here so clients can rely on them (domain/errors.ts lists them). */
const ProblemExtensionsSchema = z.object({
  bookingId: z.string().optional().describe('The booking the problem concerns (a declined card, a booking that could not take a request in time, a card holding a lesson’s payment)'),
  packageId: z.string().optional().describe('The package the problem concerns (a declined card at purchase)'),
  conflict: z
    .enum(CONFLICT_REASONS)
    .optional()
    .describe('409: what is in the way — tutor_busy / student_busy (a booking’s time), no_credit / trial_used (paying with a credit or a trial), open_hold / live_series (removing a saved card)'),
  conflictingBooking: z
    .object({ bookingId: z.string(), sessionStart: z.string(), sessionEnd: z.string() })
    .optional()
    .describe('409 student_busy: the student’s own lesson in the way'),
  accountStatus: z.enum(REFUSED_ACCOUNT_STATUSES).optional().describe('401 at sign-in, refresh or any request: the account may not sign in, and why'),
  blockers: z
    .array(z.object({ kind: z.enum(DELETION_BLOCKER_KINDS), id: z.string(), status: z.string() }))
    .optional()
    .describe('409 on deleting an account: the bookings (id = booking id), series or packages that must end or be settled first'),
  rule: z.enum(BOOKING_RULES).optional().describe('422 on a proposed time or length: the booking rule it breaks'),
});

// Both ways: every member the errors may carry is documented, and nothing documented is unknown to them.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const extensionsMatch: Same<z.infer<typeof ProblemExtensionsSchema>, ProblemExtensions> = true;
void extensionsMatch;

export const ProblemSchema = z
  .object({
    type: z.string().describe('A URN naming the kind of problem, stable for clients to branch on'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional().describe('What went wrong, written for the person who sent the request'),
    instance: z.string().describe('The request path'),
    requestId: z.string().describe('Quote it when reporting a problem'),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('One entry per invalid field'),
    ...ProblemExtensionsSchema.shape,
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document' });

/**
 * Statuses any route can answer, whatever it declares. 431: the URL and headers together pass
 * 16 KiB (api/middleware/client-errors.ts), which the fuzzer reaches with long query strings.
 */
const COMMON_ERRORS = [400, 429, 431, 500];

type JsonSchema = Record<string, unknown>;

interface Components {
  schemas: Record<string, JsonSchema>;
}

/** Converts a schema and moves its named definitions into the document's components. */
function toSchema(schema: z.ZodType, io: 'input' | 'output', components: Components): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as JsonSchema;
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  delete json.$schema;
  for (const [id, def] of Object.entries(defs)) components.schemas[id] = rewriteRefs(def) as JsonSchema;
  // A schema with an id comes back as a bare reference to its own definition, now a component.
  return rewriteRefs(json) as JsonSchema;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) =>
        key === '$ref' && typeof inner === 'string'
          ? [key, inner.replace('#/$defs/', '#/components/schemas/')]
          : [key, rewriteRefs(inner)],
      ),
    );
  }
  return value;
}

/** Path and query parameters come from the members of an object schema. */
function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query' | 'header' | 'cookie', components: Components): unknown[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input', components);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function problemResponse(status: number) {
  return {
    description: STATUS_CODES[status] ?? 'Error',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

function contentOf(contentType: string | string[] | undefined, schema: JsonSchema): Record<string, { schema: JsonSchema }> {
  const types = Array.isArray(contentType) ? contentType : [contentType ?? 'application/json'];
  return Object.fromEntries(types.map((type) => [type, { schema }]));
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
  serverUrl: string;
}

export function buildOpenApiDocument(routes: RouteSpec[], info: DocumentInfo): Record<string, unknown> {
  const components: Components = { schemas: {} };
  toSchema(ProblemSchema, 'output', components);
  const paths: Record<string, Record<string, unknown>> = {};

  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: contentOf(response.contentType, toSchema(response.schema, 'output', components)) }
          : {}),
        ...(response.headers
          ? { headers: Object.fromEntries(Object.entries(response.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) }
          : {}),
      };
    }
    const errorStatuses = new Set([...COMMON_ERRORS, ...(route.errors ?? [])]);
    // Any signed-in route may refuse the caller's role (a tutor-only route to a student, a party's
    // route to an admin who must use the admin one), so 403 is documented wherever 401 is.
    if (route.access !== 'public') errorStatuses.add(401).add(403);
    for (const status of [...errorStatuses].sort()) responses[String(status)] = problemResponse(status);

    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      parameters: [
        ...parametersOf(route.params, 'path', components),
        ...parametersOf(route.query, 'query', components),
        ...parametersOf(route.headers, 'header', components),
        ...parametersOf(route.cookies, 'cookie', components),
      ],
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input', components) } } } }
        : {}),
      responses,
      ...(route.access === 'public' ? {} : { security: [{ bearerAuth: [] }] }),
    };
    const path = toOpenApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation };
  }

  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
