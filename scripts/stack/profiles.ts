/**
 * The local stacks. Ports and data directories never collide, so a developer can keep the dev
 * stack up while the test suite runs its own, and `npm run bench` measures on a third.
 */
export const PROFILE_NAMES = ['dev', 'test', 'bench'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const SERVICE_NAMES = ['postgres', 'redis', 'minio', 'temporal', 'stripe-mock'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Every service binds here only: nothing of the local stack is reachable from other hosts. */
export const LOOPBACK = '127.0.0.1';

export interface StackProfile {
  name: ProfileName;
  /** false: each service's data directory is wiped whenever the stack (re)starts that service. */
  keepsData: boolean;
  postgres: {
    port: number;
    database: string;
    user: string;
    password: string;
    /** Superuser created by initdb; only the stack itself uses it, to create the app role and db. */
    adminUser: string;
    adminPassword: string;
    /** Durability costs time and buys nothing for throw-away test data. */
    fsync: boolean;
  };
  redis: { port: number; snapshots: boolean };
  minio: { port: number; consolePort: number; rootUser: string; rootPassword: string; bucket: string };
  temporal: {
    port: number;
    /** null runs the dev server headless (no Web UI). */
    uiPort: number | null;
    namespace: string;
    /** false keeps workflow history in memory only. */
    persistent: boolean;
  };
  stripeMock: { httpPort: number; httpsPort: number };
  /** Every port of the profile in one flat map (derived from the sections above), for display. */
  ports: {
    postgres: number;
    redis: number;
    minio: number;
    minioConsole: number;
    temporal: number;
    temporalUi: number | null;
    stripeMock: number;
    stripeMockHttps: number;
  };
}

type ProfileSections = Omit<StackProfile, 'ports'>;

function withPorts(p: ProfileSections): StackProfile {
  return {
    ...p,
    ports: {
      postgres: p.postgres.port,
      redis: p.redis.port,
      minio: p.minio.port,
      minioConsole: p.minio.consolePort,
      temporal: p.temporal.port,
      temporalUi: p.temporal.uiPort,
      stripeMock: p.stripeMock.httpPort,
      stripeMockHttps: p.stripeMock.httpsPort,
    },
  };
}

const shared = {
  postgres: { user: 'tutorflow', password: 'tutorflow', adminUser: 'postgres', adminPassword: 'tutorflow-admin' },
  minio: { rootUser: 'tutorflow', rootPassword: 'tutorflow-secret' },
  temporal: { namespace: 'default' },
} as const;

export const STACK_PROFILES: Readonly<Record<ProfileName, StackProfile>> = {
  dev: withPorts({
    name: 'dev',
    keepsData: true,
    postgres: { ...shared.postgres, port: 54329, database: 'tutorflow', fsync: true },
    redis: { port: 6389, snapshots: true },
    minio: { ...shared.minio, port: 9100, consolePort: 9101, bucket: 'tutorflow' },
    temporal: { ...shared.temporal, port: 7233, uiPort: 8233, persistent: true },
    stripeMock: { httpPort: 12111, httpsPort: 12112 },
  }),
  test: withPorts({
    name: 'test',
    keepsData: false,
    postgres: { ...shared.postgres, port: 55439, database: 'tutorflow_test', fsync: false },
    redis: { port: 6399, snapshots: false },
    minio: { ...shared.minio, port: 9200, consolePort: 9201, bucket: 'tutorflow-test' },
    temporal: { ...shared.temporal, port: 7243, uiPort: null, persistent: false },
    stripeMock: { httpPort: 12121, httpsPort: 12122 },
  }),
  // `npm run bench`: its own servers, so figures are not disturbed by (and do not disturb) the
  // tests; nothing worth keeping, no fsync, history in memory, no Web UI.
  bench: withPorts({
    name: 'bench',
    keepsData: false,
    postgres: { ...shared.postgres, port: 56549, database: 'tutorflow_bench', fsync: false },
    redis: { port: 6419, snapshots: false },
    minio: { ...shared.minio, port: 9300, consolePort: 9301, bucket: 'tutorflow-bench' },
    temporal: { ...shared.temporal, port: 7263, uiPort: null, persistent: false },
    stripeMock: { httpPort: 12131, httpsPort: 12132 },
  }),
};

export function stackProfile(name: ProfileName): StackProfile {
  return STACK_PROFILES[name];
}

export function isProfileName(value: string): value is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(value);
}

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}
