/**
 * The fakes' tiny HTTP toolkit: a router matching "METHOD /path/:param" and helpers to answer.
 * Each faked service contributes its routes; nothing here knows about any service.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export interface FakeRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** JSON or form bodies parsed into an object; anything else as text. */
  body: unknown;
}

export type FakeHandler = (request: FakeRequest, response: ServerResponse) => void | Promise<void>;

export interface FakeRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute path, `:name` matches one segment. */
  path: string;
  handler: FakeHandler;
}

/** One faked outside service: its API routes and its `/_fake/<name>/...` inspection routes. */
export interface FakeService {
  name: string;
  routes: FakeRoute[];
  /** Forgets everything recorded or queued. */
  reset(): void;
}

interface CompiledRoute extends FakeRoute {
  pattern: RegExp;
  names: string[];
}

export class FakeRouter {
  private readonly routes: CompiledRoute[] = [];

  add(route: FakeRoute): void {
    const names: string[] = [];
    const source = route.path
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ ...route, pattern: new RegExp(`^${source}/?$`), names });
  }

  match(method: string, path: string): { handler: FakeHandler; params: Record<string, string> } | 'wrong-method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      return { handler: route.handler, params: Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(found[index + 1]!)])) };
    }
    return pathMatched ? 'wrong-method' : undefined;
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

export function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status);
  response.end();
}

export function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { Location: location, 'Content-Length': 0 });
  response.end();
}

/** The body as an object of strings (form or JSON); empty when there is none. */
export function bodyFields(request: FakeRequest): Record<string, unknown> {
  return request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
}
