import { Client } from 'minio';
import { LOOPBACK, type StackProfile } from '../profiles.js';
import { goToolPath, provisionGoTool } from '../provision/go-install.js';
import { httpStatus } from '../readiness/probes.js';
import type { ServiceDefinition } from './types.js';

function s3Client(p: StackProfile): Client {
  return new Client({
    endPoint: LOOPBACK,
    port: p.minio.port,
    useSSL: false,
    accessKey: p.minio.rootUser,
    secretKey: p.minio.rootPassword,
  });
}

export const minioService: ServiceDefinition = {
  name: 'minio',
  ports: (p) => [p.minio.port, p.minio.consolePort],
  address: (p) => `http://${LOOPBACK}:${p.minio.port} (console http://${LOOPBACK}:${p.minio.consolePort})`,
  executable: () => goToolPath('minio'),
  provision: (_root, log) => provisionGoTool('minio', log),
  launch: async (ctx, executable) => ({
    command: executable,
    args: [
      'server', ctx.dataDir,
      '--address', `${LOOPBACK}:${ctx.profile.minio.port}`,
      '--console-address', `${LOOPBACK}:${ctx.profile.minio.consolePort}`,
    ],
    env: {
      MINIO_ROOT_USER: ctx.profile.minio.rootUser,
      MINIO_ROOT_PASSWORD: ctx.profile.minio.rootPassword,
      // There is no internet here; the update check would only add noise to the log.
      MINIO_UPDATE: 'off',
    },
  }),
  isReady: async (_root, p) => (await httpStatus(`http://${LOOPBACK}:${p.minio.port}/minio/health/live`)) === 200,
  // The app expects S3_BUCKET to exist, as it would on a real deployment.
  afterReady: async (ctx) => {
    const client = s3Client(ctx.profile);
    const bucket = ctx.profile.minio.bucket;
    if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket);
  },
  stopSignal: 'SIGTERM',
  readyTimeoutMs: 60_000,
};
