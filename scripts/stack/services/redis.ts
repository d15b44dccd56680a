import { LOOPBACK } from '../profiles.js';
import { findRedisServer, provisionRedisServer } from '../provision/redis.js';
import { redisPing } from '../readiness/probes.js';
import type { ServiceDefinition } from './types.js';

/** Arguments for a redis that binds loopback only and never forks away from our pid. */
export function redisArgs(port: number, dir: string, snapshots: boolean): string[] {
  return [
    '--bind', LOOPBACK,
    '--port', String(port),
    '--dir', dir,
    // An empty --save disables RDB snapshots; dev keeps one every minute that saw a write.
    '--save', snapshots ? '60 1' : '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    '--protected-mode', 'yes',
  ];
}

export const redisService: ServiceDefinition = {
  name: 'redis',
  ports: (p) => [p.redis.port],
  address: (p) => `redis://${LOOPBACK}:${p.redis.port}`,
  executable: () => findRedisServer() ?? 'redis-server',
  provision: (_root, log) => provisionRedisServer(log),
  launch: async (ctx, executable) => ({
    command: executable,
    args: redisArgs(ctx.profile.redis.port, ctx.dataDir, ctx.profile.redis.snapshots),
  }),
  isReady: (_root, p) => redisPing(p.redis.port, LOOPBACK),
  stopSignal: 'SIGTERM',
  readyTimeoutMs: 20_000,
};
