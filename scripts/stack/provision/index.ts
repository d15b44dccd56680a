import { goToolPath, provisionGoTool } from './go-install.js';
import { silent, type StackLog } from '../log.js';
import { postgresBinDir } from './postgres.js';
import { findRedisServer, provisionRedisServer } from './redis.js';
import { provisionTemporalCli, provisionTemporalTestServer, temporalCliPath, temporalTestServerPath } from './temporal.js';

export interface StackBinaries {
  temporal: string;
  temporalTestServer: string;
  minio: string;
  stripeMock: string;
  redisServer: string;
  /** Folder holding initdb, pg_ctl and postgres. */
  postgresBinDir: string;
}

/**
 * Where each binary is (or will be, once provisioned). Pure path arithmetic: nothing is installed
 * and nothing is checked, except that redis-server is looked up on PATH.
 */
export function binaries(root: string): StackBinaries {
  return {
    temporal: temporalCliPath(),
    temporalTestServer: temporalTestServerPath(),
    minio: goToolPath('minio'),
    stripeMock: goToolPath('stripeMock'),
    redisServer: findRedisServer() ?? '/usr/bin/redis-server',
    postgresBinDir: postgresBinDir(root),
  };
}

/** Installs every pinned tool without starting anything (CI warm-up). */
export async function provisionAll(root: string, log: StackLog = silent): Promise<StackBinaries> {
  // The MinIO build is by far the slowest step, so it starts first and the rest overlap with it.
  const [minio, stripeMock, temporal, temporalTestServer, redisServer] = await Promise.all([
    provisionGoTool('minio', log),
    provisionGoTool('stripeMock', log),
    provisionTemporalCli(log),
    provisionTemporalTestServer(log),
    provisionRedisServer(log),
  ]);
  return { temporal, temporalTestServer, minio, stripeMock, redisServer, postgresBinDir: postgresBinDir(root) };
}

export { provisionTemporalTestServer };
