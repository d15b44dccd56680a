import { LOOPBACK, stackProfile, type ProfileName, type StackProfile } from './profiles.js';

/**
 * The connection settings the app reads, for one profile. The names are the app's contract:
 * the API, the workers and the tests all read these same variables.
 */
export function stackEnv(profile: ProfileName | StackProfile): Record<string, string> {
  const p = typeof profile === 'string' ? stackProfile(profile) : profile;
  const pg = p.postgres;
  const env: Record<string, string> = {
    DATABASE_URL: `postgres://${pg.user}:${pg.password}@${LOOPBACK}:${pg.port}/${pg.database}`,
    REDIS_URL: `redis://${LOOPBACK}:${p.redis.port}`,
    TEMPORAL_ADDRESS: `${LOOPBACK}:${p.temporal.port}`,
    TEMPORAL_NAMESPACE: p.temporal.namespace,
    S3_ENDPOINT: `http://${LOOPBACK}:${p.minio.port}`,
    S3_ACCESS_KEY: p.minio.rootUser,
    S3_SECRET_KEY: p.minio.rootPassword,
    S3_BUCKET: p.minio.bucket,
    MINIO_CONSOLE_URL: `http://${LOOPBACK}:${p.minio.consolePort}`,
    STRIPE_API_BASE: `http://${LOOPBACK}:${p.stripeMock.httpPort}`,
  };
  if (p.temporal.uiPort !== null) env.TEMPORAL_UI_URL = `http://${LOOPBACK}:${p.temporal.uiPort}`;
  // The private metrics and health listeners have fixed default ports (9464-9466): processes that
  // tests and benchmarks start must not collide with a dev stack or with each other.
  if (p.name !== 'dev') Object.assign(env, { METRICS_PORT: '0', WORKER_HEALTH_PORT: '0', WORKER_SDK_METRICS_PORT: '0' });
  return env;
}
