import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LOOPBACK, type StackProfile } from '../profiles.js';
import { assertRunnableAs, postgresBinDir, postgresRunAs } from '../provision/postgres.js';
import { clusterDir, giveTo, initCluster } from './postgres-cluster.js';
import { acceptsQueries, ensureAppDatabase } from './postgres-roles.js';
import type { ServiceContext, ServiceDefinition } from './types.js';

/** Linux caps a socket path at 108 bytes; a deeply nested checkout would exceed it. */
const MAX_SOCKET_PATH = 100;

/** The socket folder sits in the profile's run folder, owned by the postgres account. */
async function socketDir(ctx: ServiceContext): Promise<string> {
  const dir = join(ctx.dirs.run, 'postgres-socket');
  if (`${dir}/.s.PGSQL.${ctx.profile.postgres.port}`.length > MAX_SOCKET_PATH) {
    ctx.log(`postgres: ${dir} is too long for a unix socket path; listening on TCP only`);
    return '';
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await giveTo(dir, await postgresRunAs());
  return dir;
}

/** Test data is disposable: skip the disk flushes that make postgres durable and slow. */
function durabilitySettings(p: StackProfile): string[] {
  if (p.postgres.fsync) return [];
  return ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
}

export const postgresService: ServiceDefinition = {
  name: 'postgres',
  ports: (p) => [p.postgres.port],
  address: (p) => `postgres://${LOOPBACK}:${p.postgres.port}/${p.postgres.database}`,
  executable: (root) => join(postgresBinDir(root), 'postgres'),
  provision: async (root) => {
    const binDir = postgresBinDir(root);
    await assertRunnableAs(binDir, await postgresRunAs());
    return join(binDir, 'postgres');
  },
  prepare: async (ctx) => {
    const runAs = await postgresRunAs();
    await giveTo(ctx.dataDir, runAs);
    await initCluster(postgresBinDir(ctx.root), ctx.dataDir, ctx.profile, runAs);
  },
  // Started directly (not through pg_ctl) so the pidfile holds the postmaster's own pid.
  launch: async (ctx, executable) => {
    const runAs = await postgresRunAs();
    return {
      command: executable,
      args: [
        '-D', clusterDir(ctx.dataDir),
        '-p', String(ctx.profile.postgres.port),
        '-c', `listen_addresses=${LOOPBACK}`,
        '-c', `unix_socket_directories=${await socketDir(ctx)}`,
        ...durabilitySettings(ctx.profile),
      ],
      ...(runAs ? { runAs } : {}),
    };
  },
  isReady: (_root, p) => acceptsQueries(p),
  afterReady: (ctx) => ensureAppDatabase(ctx.profile),
  // SIGINT is postgres' "fast" shutdown: roll back open transactions, checkpoint, exit.
  stopSignal: 'SIGINT',
  readyTimeoutMs: 60_000,
};
