/**
 * Realtime servers for tests: N full API instances (REST + WebSocket at /ws) on loopback ports,
 * sharing one test database and one Redis, so a test can put two users on two instances. Also a
 * realtime server as a child process (server/realtime.ts) that a test can SIGKILL, and a small
 * WebSocket client that records every event it receives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { buildApp } from '../../api/app.js';
import { createApiContainer, type ApiContainer } from '../../server/dependencies.js';
import type { Config } from '../../domain/config.js';
import { ensureBucket } from '../../integrations/storage.js';
import { attachRealtime } from '../../server/attach-realtime.js';
import { PROTOCOL_VERSION } from '../../realtime/protocol/document.js';
import type { RealtimeServer } from '../../realtime/realtime-server.js';
import { stackEnv } from '../../scripts/stack/env.js';
import { freePort } from '../../scripts/stack/util/free-port.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { testConfig } from './harness.js';
import type { Json } from './http.js';
import { REPO_ROOT } from './paths.js';

export interface RealtimeInstance {
  baseUrl: string;
  wsUrl: string;
  realtime: RealtimeServer;
  container: ApiContainer;
  /** A clean shutdown: sockets closed with 1001, presence left, pools closed. */
  stop(): Promise<void>;
}

export interface RealtimeCluster {
  config: Config;
  database: TestDatabase;
  instances: RealtimeInstance[];
  /** Starts one more instance on the same database and Redis. */
  addInstance(): Promise<RealtimeInstance>;
  close(): Promise<void>;
}

async function startInstance(config: Config): Promise<RealtimeInstance> {
  const logger = pino({ level: config.logLevel });
  const container = await createApiContainer(config, logger);
  await ensureBucket(container.resources.storage, config.storage);
  const server = http.createServer(buildApp(container.app).callback());
  const realtime = await attachRealtime(server, container, logger);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    realtime,
    container,
    async stop() {
      if (stopped) return;
      stopped = true;
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await container.close();
    },
  };
}

/** Short heartbeats and presence TTL, so tests about dead peers and dead servers finish quickly. */
export const FAST_REALTIME = { REALTIME_HEARTBEAT_INTERVAL: '200ms', REALTIME_PRESENCE_TTL: '1s' };

export async function startRealtimeCluster(count: number, overrides: Record<string, string> = {}): Promise<RealtimeCluster> {
  const database = await createTestDatabase();
  const config = testConfig({ ...FAST_REALTIME, DATABASE_URL: database.url, ...overrides });
  const instances: RealtimeInstance[] = [];
  for (let index = 0; index < count; index++) instances.push(await startInstance(config));
  return {
    config,
    database,
    instances,
    async addInstance() {
      const instance = await startInstance(config);
      instances.push(instance);
      return instance;
    },
    async close() {
      await Promise.all(instances.map((instance) => instance.stop()));
      await database.drop();
    },
  };
}

export interface RealtimeProcess {
  wsUrl: string;
  /** SIGKILL: no close frames, no presence clean-up, nothing. */
  kill(): Promise<void>;
}

/** server/realtime.ts as a child process on the cluster's database and Redis. */
export async function spawnRealtimeProcess(config: Config, overrides: Record<string, string> = {}): Promise<RealtimeProcess> {
  const port = await freePort();
  const env = {
    ...stackEnv('test'),
    ...FAST_REALTIME,
    PATH: process.env.PATH ?? '',
    LOG_LEVEL: 'info',
    DATABASE_URL: config.database.url,
    REDIS_URL: config.redis.url,
    REALTIME_PORT: String(port),
    ...overrides,
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/realtime.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server/realtime.ts did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"msg":"realtime listening"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`server/realtime.ts exited:\n${output}`)));
  });
  return {
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface ClientOptions {
  origin?: string;
  /** How to send the token; the subprotocol by default. */
  tokenVia?: 'protocol' | 'query' | 'none';
  /** False makes a client that ignores the server's pings, as a dead peer would. */
  autoPong?: boolean;
}

/** A WebSocket client that keeps every event, so tests can wait for the one they expect. */
export class TestClient {
  readonly events: Json[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly consumed = new Set<number>();
  private waiters: { predicate: (event: Json) => boolean; resolve: (event: Json) => void }[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.receive(JSON.parse(data.toString()) as Json));
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Connects and waits for the server's `ready` event. */
  static async connect(wsUrl: string, token: string, options: ClientOptions = {}): Promise<TestClient> {
    const via = options.tokenVia ?? 'protocol';
    const url = via === 'query' ? `${wsUrl}?access_token=${encodeURIComponent(token)}` : wsUrl;
    const protocols = via === 'protocol' ? [PROTOCOL_VERSION, `bearer.${token}`] : [PROTOCOL_VERSION];
    const socket = new WebSocket(url, protocols, { autoPong: options.autoPong ?? true, ...(options.origin ? { origin: options.origin } : {}) });
    const client = new TestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    });
    await client.next((event) => event.type === 'ready');
    return client;
  }

  send(frame: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** The first event not taken yet that matches, waiting for it if it has not come. */
  next(predicate: (event: Json) => boolean, timeoutMs = 10_000): Promise<Json> {
    const index = this.events.findIndex((event, position) => !this.consumed.has(position) && predicate(event));
    if (index >= 0) {
      this.consumed.add(index);
      return Promise.resolve(this.events[index]);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        reject(new Error(`no matching event within ${timeoutMs} ms; received: ${JSON.stringify(this.events)}`));
      }, timeoutMs);
      const entry = {
        predicate,
        resolve: (event: Json) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      this.waiters.push(entry);
    });
  }

  /** Events of a type received so far, taken or not. */
  all(type: string): Json[] {
    return this.events.filter((event) => event.type === type);
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close(1000);
    await this.closed;
  }

  private receive(event: Json): void {
    const position = this.events.push(event) - 1;
    const waiter = this.waiters.find((candidate) => candidate.predicate(event));
    if (!waiter) return;
    this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
    this.consumed.add(position);
    waiter.resolve(event);
  }
}

/** Tries an upgrade and answers the HTTP status the server refused it with (or 101). */
export async function upgradeStatus(wsUrl: string, options: { protocols?: string[]; headers?: Record<string, string>; origin?: string } = {}): Promise<number> {
  const socket = new WebSocket(wsUrl, options.protocols ?? [], {
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.origin ? { origin: options.origin } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.terminate();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
    });
    socket.once('error', (error) => reject(error));
  });
}

/** Publishes as another process would (the auth code on logout, the availability code on a change). */
export async function publish(redisUrl: string, channel: string, payload: unknown): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    await redis.publish(channel, JSON.stringify(payload));
  } finally {
    redis.disconnect();
  }
}
