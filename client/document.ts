/**
 * The API's OpenAPI document and the realtime protocol's event schemas, built in-process from the
 * route declarations and the zod protocol schemas: no server, database or Temporal is needed.
 */
import { collectRoutes, type AppDependencies } from '../api/app.js';
import { loadConfig } from '../domain/config.js';
import { buildProtocolDocument } from '../realtime/protocol/document.js';

/**
 * Route builders only keep their services for the handlers, which never run here; any member read
 * while declaring routes is answered by another inert stand-in.
 */
function inert(): unknown {
  const stand: object = new Proxy(function () {}, {
    get: (_target, key) => (key === 'then' ? undefined : stand),
    apply: () => stand,
  });
  return stand;
}

export function buildApiDocument(): Record<string, unknown> {
  const config = loadConfig({ ENVIRONMENT: 'development' });
  const deps = new Proxy({ config } as unknown as AppDependencies, {
    get: (target, key) => (key === 'config' ? target.config : inert()),
  });
  const docs = collectRoutes(deps).find((route) => route.path === '/openapi.json');
  if (!docs) throw new Error('no /openapi.json route declared');
  const ctx = { body: undefined as unknown };
  // The docs handler only assigns the document to ctx.body.
  void docs.handler(ctx as never, {} as never);
  return ctx.body as Record<string, unknown>;
}

export function buildRealtimeDocument(): Record<string, unknown> {
  return buildProtocolDocument({ serverUrl: loadConfig({ ENVIRONMENT: 'development' }).http.publicBaseUrl });
}
