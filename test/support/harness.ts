/**
 * Builds the real API against the real test stack, served on an ephemeral loopback port, so tests
 * speak HTTP to it like a client would.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { buildApp } from '../../api/app.js';
import { answerParserErrors } from '../../api/middleware/client-errors.js';
import { createApiContainer, type ApiContainer } from '../../server/dependencies.js';
import { type Config, loadConfig } from '../../domain/config.js';
import { ensureBucket } from '../../integrations/storage.js';
import { stackEnv } from '../../scripts/stack/env.js';
import { createTestDatabase } from './database.js';

export { REPO_ROOT } from './paths.js';

/**
 * Every test file calls from 127.0.0.1 and shares the test stack's Redis, so the production limits
 * (60 requests a minute) would let one file's requests throttle another's. Tests of the limits
 * themselves override these (and use a Redis of their own).
 */
const GENEROUS_RATE_LIMITS = { RATE_LIMIT_PER_MINUTE: '100000', REGISTRATION_RATE_LIMIT: '100000/minute', LOGIN_RATE_LIMIT: '100000/minute' };

/** Configuration of the test stack, with per-test overrides (e.g. another REDIS_URL). */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...stackEnv('test'), LOG_LEVEL: 'silent', ...GENEROUS_RATE_LIMITS, ...overrides });
}

export interface RunningApi {
  baseUrl: string;
  container: ApiContainer;
  config: Config;
  close(): Promise<void>;
}

/**
 * The API on a database of its own (unless the overrides name one). Close it in afterAll: that
 * also drops the database.
 */
export async function startTestApi(overrides: Record<string, string> = {}): Promise<RunningApi> {
  const database = overrides.DATABASE_URL ? undefined : await createTestDatabase();
  const config = testConfig({ ...(database ? { DATABASE_URL: database.url } : {}), ...overrides });
  const container = await createApiContainer(config, pino({ level: config.logLevel }));
  await ensureBucket(container.resources.storage, config.storage);
  const server = http.createServer(buildApp(container.app).callback());
  answerParserErrors(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    container,
    config,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await container.close();
      await database?.drop();
    },
  };
}
