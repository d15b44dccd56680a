/**
 * The typed Tutorflow API client: openapi-fetch over the types generated from /openapi.json, plus
 * the WebSocket event types from the realtime protocol's schemas. Works in browsers and in Node 24.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './generated/api.js';

export type { components, paths } from './generated/api.js';
export type { ClientFrame, ServerEvent } from './generated/realtime.js';
export type Schemas = components['schemas'];
export type ApiClient = Client<paths>;

export interface ApiClientOptions {
  /** '' for the page's own origin. */
  baseUrl: string;
  /** The current access token, read at every request. */
  accessToken?: () => string | undefined;
  fetch?: typeof fetch;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  client.use({
    onRequest({ request }) {
      const token = options.accessToken?.();
      if (token && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  });
  return client;
}

/** What to tell a person about a failed call: the problem document's `detail`, else its title. */
export function problemMessage(error: unknown, fallback = 'Something went wrong; please try again.'): string {
  if (error && typeof error === 'object') {
    const problem = error as { detail?: unknown; title?: unknown; errors?: { path: string; message: string }[] };
    const fields = Array.isArray(problem.errors) && problem.errors.length > 0 ? ` (${problem.errors.map((issue) => `${issue.path}: ${issue.message}`).join('; ')})` : '';
    if (typeof problem.detail === 'string' && problem.detail) return problem.detail + fields;
    if (typeof problem.title === 'string' && problem.title) return problem.title + fields;
  }
  if (error instanceof Error) return error.message;
  return fallback;
}

/** Unwraps an openapi-fetch result: the data, or an Error carrying the problem's detail. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) throw new ApiError(result.response.status, problemMessage(result.error));
  return result.data as T;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
