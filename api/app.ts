/**
 * Builds the Koa application from its dependencies without listening, so tests drive it through a
 * real HTTP server of their own and the entry point (server.ts) only adds the port and shutdown.
 */
import Router from '@koa/router';
import cors from '@koa/cors';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Config } from '../domain/config.js';
import type { AppState } from './context.js';
import { problemDetails } from './middleware/problem-details.js';
import { requestContext } from './middleware/request-context.js';
import { securityHeaders } from './middleware/security-headers.js';
import { buildOpenApiDocument } from './openapi.js';
import { docsRoutes } from './routes/docs/routes.js';
import { healthRoutes } from './routes/health/routes.js';
import { mountRoutes, type RouteSpec } from './routing.js';
import { accessGuard, type SessionCheck } from './middleware/access-guard.js';
import type { AccessTokens } from '../services/auth/access-tokens.js';
import type { HealthService } from '../services/health-service.js';

export const API_VERSION = '0.1.0';

export interface AppDependencies {
  config: Config;
  logger: Logger;
  health: HealthService;
  tokens: AccessTokens;
  sessions?: SessionCheck;
}

/** Every route of the API, each resource's routes built from the services they call. */
export function collectRoutes(deps: AppDependencies): RouteSpec[] {
  const resourceRoutes: RouteSpec[] = [...healthRoutes(deps.health)];
  let document: Record<string, unknown> | undefined;
  const describe = () =>
    (document ??= buildOpenApiDocument([...resourceRoutes, ...docs], {
      title: 'Tutorflow API',
      version: API_VERSION,
      description:
        'Students find tutors, request lessons and pay; tutors accept, teach and are paid out. Errors are RFC 9457 problem documents (application/problem+json).',
      serverUrl: deps.config.http.publicBaseUrl,
    }));
  const docs = docsRoutes(describe);
  return [...resourceRoutes, ...docs];
}

export function buildApp(deps: AppDependencies): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: deps.config.environment !== 'development' });
  const router = new Router<AppState>();
  const routes = collectRoutes(deps);
  mountRoutes(router, routes, accessGuard(deps.tokens, deps.sessions));

  // Koa would print every error itself; problem-details already logged the ones that matter.
  app.silent = true;
  app.use(requestContext(deps.logger));
  app.use(problemDetails());
  app.use(securityHeaders());
  app.use(
    cors({
      origin: (ctx) => (deps.config.http.corsOrigins.includes(ctx.get('Origin')) ? ctx.get('Origin') : ''),
      credentials: true,
      exposeHeaders: ['X-Request-Id', 'Retry-After', 'Location'],
    }),
  );
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: deps.config.http.bodyLimit, encoding: 'utf-8' }));
  app.use(router.routes());
  // Not thrown: the router then sets the Allow header, and problem-details turns the 405 into a problem.
  app.use(router.allowedMethods());
  return app;
}
