/**
 * The API process: parse configuration, build the app, listen, and on SIGTERM/SIGINT stop accepting
 * connections, let requests in flight finish (up to SHUTDOWN_GRACE), then close the pools.
 */
import { once } from 'node:events';
import http from 'node:http';
import { configFromEnvironmentOrExit } from '../domain/process-config.js';
import { buildApp } from '../api/app.js';
import { createApiContainer } from './dependencies.js';
import { createLogger } from '../platform/logger.js';
import { answerParserErrors } from '../api/middleware/client-errors.js';
import { attachRealtime } from './attach-realtime.js';
import { exitAfterShutdownOnSignal } from '../platform/shutdown-signals.js';
import { metricsRoute } from '../api/metrics.js';
import { ApiMetrics } from '../services/observability/api-metrics.js';
import { startMetricsServer } from '../integrations/telemetry/endpoint.js';
import { startTracing } from '../integrations/telemetry/tracing.js';

const config = configFromEnvironmentOrExit();
// Before any client exists, so the instrumentations see them (off without an OTLP endpoint).
const tracing = startTracing({ serviceName: 'tutorflow-api', otlpEndpoint: config.observability.otlpTracesEndpoint });

const logger = createLogger(config, 'api');
const container = await createApiContainer(config, logger);
const server = http.createServer(buildApp(container.app).callback());
answerParserErrors(server);
// WebSockets at /ws on the same port (server/realtime.ts runs the same code as its own process).
const realtime = await attachRealtime(server, container, logger);
server.keepAliveTimeout = 65_000;
server.listen(config.http.port, config.http.host);
await once(server, 'listening');
logger.info({ url: `http://${config.http.host}:${config.http.port}` }, 'API listening');
const { metricsHost, metricsPort } = config.observability;
// Prometheus scrapes a private address, never the public port (METRICS_PORT=0: no listener).
const metrics = metricsPort === 0 ? undefined : await startMetricsServer(metricsHost, metricsPort, metricsRoute(new ApiMetrics(container.resources, config, logger)), logger);
if (metrics) logger.info({ url: `${metrics.url}/metrics` }, 'metrics listening');

async function shutdown(): Promise<void> {
  await realtime.close();
  const forced = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
  server.close();
  server.closeIdleConnections();
  await once(server, 'close');
  clearTimeout(forced);
  await metrics?.close();
  await container.close();
  await tracing?.shutdown();
  logger.info('stopped');
}

exitAfterShutdownOnSignal(logger, shutdown);
