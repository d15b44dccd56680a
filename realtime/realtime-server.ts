/**
 * The realtime server: authenticates at the HTTP upgrade, registers each connection, parses and
 * rate-limits its frames, pings it, and closes it when its token expires or its session is revoked.
 * It attaches to any Node HTTP server: the API's (path /ws on the API port) or its own
 * (server/realtime.ts), with the same code.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { SessionCheck } from '../services/auth/session-store.js';
import type { Config } from '../domain/config.js';
import { isAppError } from '../domain/errors.js';
import { rateLimitRefusals, wsConnections, wsConnectionsOpened, wsFramesReceived, wsHeartbeatDuration } from '../integrations/telemetry/metrics.js';
import type { AccessClaims, AccessTokens } from '../services/auth/access-tokens.js';
import type { LastSeenService } from '../services/messaging/last-seen.js';
import type { MessagingService } from '../services/messaging/messaging-service.js';
import type { NotificationService } from '../services/notifications/notification-service.js';
import { Connection } from './connection.js';
import { FanOut } from './fan-out.js';
import { handleFrame, type FrameContext } from './frame-handlers.js';
import { Hub } from './hub.js';
import { PresenceTracker } from './presence.js';
import { ClientFrameSchema } from './protocol/client-events.js';
import { MAX_PAYLOAD_BYTES, WS_PATH } from './protocol/document.js';
import type { ErrorCode } from './protocol/server-events.js';
import { TokenBucket } from './token-bucket.js';
import { TypingThrottle } from './typing-throttle.js';
import { extractToken, originAllowed, refuseUpgrade, selectProtocol } from './upgrade-auth.js';

export interface RealtimeDependencies {
  config: Config;
  logger: Logger;
  tokens: AccessTokens;
  sessions?: SessionCheck | undefined;
  messaging: MessagingService;
  /** Tells people of messages that arrived while they were offline (optional: tests of the socket alone leave it out). */
  notifications?: Pick<NotificationService, 'messageWhileOffline'>;
  lastSeen: LastSeenService;
  /** Opens a named Redis connection for the fan-out (the composition root owns the client's settings). */
  connectRedis: (name: string) => Redis;
}

export interface RealtimeServer {
  readonly instanceId: string;
  readonly hub: Hub;
  /** True while pub/sub to the other instances works (false during a Redis outage). */
  readonly fanOutConnected: boolean;
  attach(server: Server): void;
  /** Closes every connection (1001), leaves the presence registry and disconnects from Redis. */
  close(): Promise<void>;
}

/** How long to wait for Redis at start-up before serving local-only (it may come later). */
const REDIS_START_WAIT_MS = 2_000;
/** How long a closing connection may take to finish its close handshake at shutdown. */
const CLOSE_HANDSHAKE_MS = 2_000;
/** The heartbeat runs in up to this many ticks per interval, none shorter than HEARTBEAT_MIN_TICK_MS. */
const HEARTBEAT_SLICES = 25;
const HEARTBEAT_MIN_TICK_MS = 100;

/** Into how many slices the heartbeat interval is cut (1 s ticks at the default 25 s). */
export function heartbeatSlices(intervalMs: number): number {
  return Math.max(1, Math.min(HEARTBEAT_SLICES, Math.floor(intervalMs / HEARTBEAT_MIN_TICK_MS)));
}

async function redisReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, REDIS_START_WAIT_MS);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function createRealtimeServer(deps: RealtimeDependencies): Promise<RealtimeServer> {
  const { config, tokens, sessions, messaging } = deps;
  const settings = config.realtime;
  const instanceId = randomUUID();
  const log = deps.logger.child({ component: 'realtime', instanceId });

  const publisher = deps.connectRedis('realtime');
  const subscriber = deps.connectRedis('realtime-subscriber');
  for (const client of [publisher, subscriber]) client.on('error', (error) => log.debug({ err: error }, 'redis connection error'));

  const hub = new Hub();
  const fanOut = new FanOut(instanceId, publisher, subscriber, hub, {
    sessionRevoked: (sessionId) => {
      for (const connection of hub.connectionsOfSession(sessionId)) connection.close('sessionRevoked');
    },
  }, log);
  const presence = new PresenceTracker(instanceId, publisher, hub, fanOut, deps.lastSeen, settings.presenceTtlMs, log);
  const typing = new TypingThrottle(settings.typingThrottleMs);
  const frameContext: FrameContext = { messaging, notifications: deps.notifications, hub, fanOut, presence, typing, typingTtlMs: settings.typingThrottleMs * 3, log };

  await Promise.all([redisReady(publisher), redisReady(subscriber)]);
  await fanOut.start();

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
    handleProtocols: (protocols) => selectProtocol(protocols),
  });
  const attached = new Set<Server>();
  /** Connections take the heartbeat's slices in turn. */
  let nextHeartbeatSlot = 0;
  const closing = new Set<Promise<void>>();
  let stopping = false;

  function errorEvent(connection: Connection, ref: unknown, code: ErrorCode, message: string, issues?: { path: string; message: string }[]): void {
    connection.send({ type: 'error', ...(typeof ref === 'string' ? { ref } : {}), code, message, ...(issues ? { issues } : {}) });
  }

  function onFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    const receivedAt = performance.now();
    if (!connection.bucket.take()) {
      // Once per connection: frames already in flight after the close are not more refusals.
      if (connection.open) rateLimitRefusals.inc({ limit: 'realtime' });
      return connection.close('policyViolation');
    }
    if (isBinary) return connection.close('unsupportedData');
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      return connection.close('invalidPayload');
    }
    const ref = (raw as { ref?: unknown } | null)?.ref;
    const parsed = ClientFrameSchema.safeParse(raw);
    wsFramesReceived.inc({ type: parsed.success ? parsed.data.type : 'invalid' });
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
      // Queued like any frame, so even this answer comes after `ready` and in order.
      void connection.enqueue(async () => errorEvent(connection, ref, 'invalid_frame', 'The frame does not match any client event of the protocol', issues));
      return;
    }
    void connection.enqueue(async () => {
      try {
        await handleFrame(frameContext, connection, parsed.data, receivedAt);
      } catch (error) {
        if (isAppError(error)) return errorEvent(connection, ref, error.kind, error.detail, error.issues);
        log.error({ err: error, type: parsed.data.type }, 'frame failed');
        errorEvent(connection, ref, 'internal', 'Something went wrong on our side');
      }
    });
  }

  async function onConnection(socket: WebSocket, claims: AccessClaims): Promise<void> {
    const bucket = new TokenBucket(settings.rateBurst, settings.rateLimit.limit / settings.rateLimit.windowMs);
    const identity = { userId: claims.userId, role: claims.role, sessionId: claims.sessionId, tokenExpiresAt: claims.expiresAt };
    const connection = new Connection(randomUUID(), socket, identity, bucket, nextHeartbeatSlot++);
    socket.on('pong', () => (connection.alive = true));
    socket.on('message', (data, isBinary) => onFrame(connection, data, isBinary));
    socket.on('error', (error) => log.debug({ err: error, connectionId: connection.id }, 'socket error'));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const firstHere = hub.add(connection);
    wsConnections.inc();
    wsConnectionsOpened.inc();
    connection.closeAtTokenExpiry();

    // Frames that arrive meanwhile wait in the connection's queue behind this set-up.
    const ready = connection.enqueue(async () => {
      if (firstHere) await fanOut.addUser(connection.userId);
      await presence.connected(connection);
      connection.send({
        type: 'ready',
        connectionId: connection.id,
        userId: connection.userId,
        tokenExpiresAt: new Date(claims.expiresAt * 1000).toISOString(),
        heartbeatIntervalMs: settings.heartbeatIntervalMs,
      });
    });

    const cleanUp = closed.then(async () => {
      wsConnections.dec();
      connection.dispose();
      await ready.catch(() => undefined);
      const lastHere = hub.remove(connection);
      if (lastHere) await fanOut.removeUser(connection.userId);
      await presence.disconnected(connection, lastHere);
    });
    const tracked = cleanUp.catch((error: unknown) => log.warn({ err: error }, 'connection clean-up failed'));
    closing.add(tracked);
    void tracked.finally(() => closing.delete(tracked));
    await ready.catch((error: unknown) => {
      log.error({ err: error }, 'connection set-up failed');
      connection.close('internalError');
    });
  }

  async function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, `WebSockets are served at ${WS_PATH}`);
    if (stopping) return refuseUpgrade(socket, 503, 'This server is shutting down; connect again');
    // The web app served by the API itself (PUBLIC_BASE_URL) connects from its own origin.
    if (!originAllowed(request, [...config.http.corsOrigins, new URL(config.http.publicBaseUrl).origin])) return refuseUpgrade(socket, 403, 'This origin may not connect');
    const token = extractToken(request, url);
    if (!token) return refuseUpgrade(socket, 401, 'Send the access token as the subprotocol "bearer.<token>"');
    let claims: AccessClaims;
    try {
      claims = await tokens.verify(token);
      if (sessions && (await sessions.isRevoked(claims.sessionId))) return refuseUpgrade(socket, 401, 'This session has ended; sign in again');
    } catch (error) {
      if (isAppError(error)) return refuseUpgrade(socket, 401, error.detail);
      log.error({ err: error }, 'upgrade check failed');
      return refuseUpgrade(socket, 500, 'Something went wrong on our side');
    }
    if (socket.destroyed) return;
    wss.handleUpgrade(request, socket, head, (ws) => void onConnection(ws, claims));
  }

  // The heartbeat's work is spread over its interval: each tick handles one slice of the
  // connections (ping, presence refresh, last seen, session check), so every connection still gets
  // all of it once per interval, but 5,000 sockets never cost one burst that stalls deliveries.
  const slices = heartbeatSlices(settings.heartbeatIntervalMs);
  let tick = 0;
  const heartbeat = setInterval(() => {
    const slice = tick++ % slices;
    const due = hub.all().filter((connection) => connection.heartbeatSlot % slices === slice);
    const began = performance.now();
    for (const connection of due) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
    wsHeartbeatDuration.observe({ step: 'ping' }, (performance.now() - began) / 1000);
    if (slice === 0) typing.prune();
    void presence.heartbeat(due);
    void closeRevokedSessions(due);
  }, settings.heartbeatIntervalMs / slices);

  /**
   * A revocation is announced over pub/sub; one announced while this instance was cut off from Redis
   * would otherwise go unseen until the token expires, so each heartbeat also asks.
   */
  async function closeRevokedSessions(connections: readonly Connection[]): Promise<void> {
    if (!sessions) return;
    const began = performance.now();
    for (const sessionId of new Set(connections.map((connection) => connection.identity.sessionId))) {
      const revoked = await sessions.isRevoked(sessionId).catch(() => false);
      if (revoked) for (const connection of hub.connectionsOfSession(sessionId)) connection.close('sessionRevoked');
    }
    wsHeartbeatDuration.observe({ step: 'sessions' }, (performance.now() - began) / 1000);
  }
  void presence.heartbeat([]);

  const upgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void onUpgrade(request, socket, head);

  return {
    instanceId,
    hub,
    get fanOutConnected() {
      return fanOut.connected;
    },
    attach(server) {
      attached.add(server);
      server.on('upgrade', upgradeListener);
    },
    async close() {
      stopping = true;
      clearInterval(heartbeat);
      for (const server of attached) server.off('upgrade', upgradeListener);
      for (const connection of hub.all()) connection.close('shuttingDown');
      const stragglers = setTimeout(() => hub.all().forEach((connection) => connection.socket.terminate()), CLOSE_HANDSHAKE_MS);
      // Every connection in the hub has its clean-up in `closing`, registered when it was added.
      while (closing.size > 0) await Promise.all([...closing]);
      clearTimeout(stragglers);
      await presence.leave();
      wss.close();
      publisher.disconnect();
      subscriber.disconnect();
      log.info('realtime server stopped');
    },
  };
}
