/**
 * The realtime server as its own process, for deployments that scale WebSockets apart from the
 * API: the same code the API attaches at /ws, on REALTIME_PORT. Answers GET /health for load
 * balancers; everything else over plain HTTP is a 404.
 *
 * On SIGTERM/SIGINT it closes every connection with 1001 (clients reconnect to another instance)
 * and leaves the presence registry, so its users do not wait for the presence TTL.
 */
import { once } from 'node:events';
import http from 'node:http';
import { createLogger } from '../platform/logger.js';
import { createKnex } from '../db/knex.js';
import { configFromEnvironmentOrExit } from '../domain/process-config.js';
import { createRedis } from '../integrations/redis.js';
import { AccessTokens } from '../services/auth/access-tokens.js';
import { createSessionStore } from '../services/auth/session-store.js';
import { LastSeenService } from '../services/messaging/last-seen.js';
import { MessagingService } from '../services/messaging/messaging-service.js';
import { createRealtimeServer } from '../realtime/realtime-server.js';
import { createEmailSender } from '../platform/email/create-email-sender.js';
import { createNotificationService } from '../services/notifications/create-notification-service.js';
import { exitAfterShutdownOnSignal } from '../platform/shutdown-signals.js';
import { startMetricsServer } from '../integrations/telemetry/endpoint.js';
import { apiRegistry, collectProcessMetrics, observePoolAcquires } from '../integrations/telemetry/metrics.js';

const config = configFromEnvironmentOrExit();

const logger = createLogger(config, 'realtime');
const db = createKnex(config.database);
observePoolAcquires(db.client.pool);
const redis = createRedis(config.redis.url, 'realtime-sessions');
redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
const tokens = new AccessTokens(config.secretKey, config.auth.accessTokenTtlMs);
const sessions = createSessionStore({ config, db, redis, tokens, logger });

// Emails of offline-message notifications go out from here at once; the API's outbox relay retries what Brevo refused.
const emails = createEmailSender(config, db, logger);
const notifications = createNotificationService(db, redis, emails, logger);
const realtime = await createRealtimeServer({ config, logger, tokens, sessions, messaging: new MessagingService(db), notifications, lastSeen: new LastSeenService(db), connectRedis: (name) => createRedis(config.redis.url, name) });
const server = http.createServer((request, response) => {
  const healthy = request.method === 'GET' && request.url === '/health';
  response.writeHead(healthy ? 200 : 404, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(healthy ? { status: 'ok' } : { status: 404, title: 'Not Found' }));
});
realtime.attach(server);
server.listen(config.realtime.port, config.http.host);
await once(server, 'listening');
logger.info({ url: `ws://${config.http.host}:${config.realtime.port}/ws`, instanceId: realtime.instanceId }, 'realtime listening');
// Its WebSocket metrics (connections, frames, deliveries, frame-limit refusals) on the private listener, as the API's.
const { metricsHost, metricsPort } = config.observability;
collectProcessMetrics(apiRegistry);
const metrics =
  metricsPort === 0
    ? undefined
    : await startMetricsServer(metricsHost, metricsPort, { '/metrics': async () => ({ status: 200, contentType: apiRegistry.contentType, body: await apiRegistry.metrics() }) }, logger);

async function shutdown(): Promise<void> {
  await realtime.close();
  await metrics?.close();
  server.close();
  await emails.idle();
  redis.disconnect();
  await db.destroy();
}

exitAfterShutdownOnSignal(logger, shutdown);
