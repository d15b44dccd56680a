/**
 * Starts the realtime server inside the API process, on the API's HTTP server (path /ws), from the
 * services the API container already built.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { ApiContainer } from './dependencies.js';
import { createRedis } from '../integrations/redis.js';
import { LastSeenService } from '../services/messaging/last-seen.js';
import { createRealtimeServer, type RealtimeServer } from '../realtime/realtime-server.js';

export async function attachRealtime(server: Server, container: ApiContainer, logger: Logger): Promise<RealtimeServer> {
  const { app, resources } = container;
  const realtime = await createRealtimeServer({
    config: app.config,
    logger,
    tokens: app.tokens,
    sessions: app.sessions,
    messaging: app.messaging,
    notifications: app.notifications,
    lastSeen: new LastSeenService(resources.db),
    connectRedis: (name) => createRedis(app.config.redis.url, name),
  });
  realtime.attach(server);
  return realtime;
}
