/**
 * Everything the API process talks to, built once from the configuration, and closed in reverse
 * order at shutdown. Tests build the same thing against the test stack.
 */
import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { Client as StorageClient } from 'minio';
import type { Logger } from 'pino';
import type { Config } from '../domain/config.js';
import { createKnex } from '../db/knex.js';
import { createRedis } from '../integrations/redis.js';
import { createStorageClient } from '../integrations/storage.js';
import { connectTemporal, pingTemporal, type TemporalClient } from '../integrations/temporal.js';
import { HealthService } from '../services/health-service.js';
import { AccessTokens } from '../services/auth/access-tokens.js';
import type { AppDependencies } from './app.js';

export interface ApiResources {
  db: Knex;
  redis: Redis;
  storage: StorageClient;
  temporal: TemporalClient;
}

export interface ApiContainer {
  resources: ApiResources;
  app: AppDependencies;
  close(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 2_000;

export async function createApiContainer(config: Config, logger: Logger): Promise<ApiContainer> {
  const db = createKnex(config.database);
  const redis = createRedis(config.redis.url, 'api');
  // Errors are reported by the health probes and the callers; this only keeps them out of stderr noise.
  redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  const storage = createStorageClient(config.storage);
  const temporal = await connectTemporal(config.temporal);

  const health = new HealthService(
    {
      postgres: async () => {
        await db.raw('select 1');
      },
      redis: async () => {
        await redis.ping();
      },
      temporal: () => pingTemporal(temporal.connection, PROBE_TIMEOUT_MS),
      objectStorage: async () => {
        if (!(await storage.bucketExists(config.storage.bucket))) {
          throw new Error(`bucket ${config.storage.bucket} does not exist`);
        }
      },
    },
    PROBE_TIMEOUT_MS,
  );

  return {
    resources: { db, redis, storage, temporal },
    app: { config, logger, health, tokens: new AccessTokens(config.secretKey, config.auth.accessTokenTtlMs) },
    async close() {
      await temporal.connection.close();
      redis.disconnect();
      await db.destroy();
    },
  };
}
