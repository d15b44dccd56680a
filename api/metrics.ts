/**
 * The API's HTTP metrics middleware (requests by route template, never the raw path, so ids do not
 * explode the series) and the /metrics route. /metrics is not on the public port: server/api.ts
 * serves it on METRICS_HOST:METRICS_PORT (127.0.0.1:9464 by default; METRICS_PORT=0 = off), with
 * the business gauges of services/observability/api-metrics.ts.
 */
import { trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import { httpRequestDuration, httpRequests } from '../integrations/telemetry/metrics.js';
import type { ApiMetrics } from '../services/observability/api-metrics.js';
import type { EndpointRoutes } from '../integrations/telemetry/endpoint.js';
import type { AppState } from './context.js';

/** Requests that matched no route share one label value. */
const UNMATCHED = 'unmatched';

/** Counts and times every request under its route template (`/api/bookings/:id`). */
export function httpMetrics(): Middleware<AppState> {
  return async (ctx, next) => {
    const stop = httpRequestDuration.startTimer();
    try {
      await next();
    } finally {
      // @koa/router leaves the template of the route that answered on the context.
      const template = (ctx as unknown as { _matchedRoute?: unknown })._matchedRoute;
      const labels = { method: ctx.method, route: typeof template === 'string' ? template : UNMATCHED, status: String(ctx.status) };
      httpRequests.inc(labels);
      stop(labels);
      // The HTTP server span (while tracing is on) gets the same low-cardinality name.
      const span = trace.getActiveSpan();
      if (span && typeof template === 'string') span.setAttribute('http.route', template).updateName(`${ctx.method} ${template}`);
    }
  };
}

/** The API's /metrics route for startMetricsServer. */
export function metricsRoute(metrics: ApiMetrics): EndpointRoutes {
  return { '/metrics': async () => ({ status: 200, contentType: metrics.contentType, body: await metrics.text() }) };
}
