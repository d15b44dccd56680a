import { Redis } from 'ioredis';

/**
 * A Redis client that fails fast while Redis is down instead of queueing commands forever, so a
 * caller (health, rate limits, realtime fan-out) can fall back or report the outage at once.
 * It keeps reconnecting in the background and recovers by itself.
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: `tutorflow:${name}`,
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}
