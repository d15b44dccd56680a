/**
 * Configuration: read from the environment once, at start-up, by the entry point, and passed down
 * typed. Nothing else in the code base reads `process.env`.
 *
 * Every default points at the local development stack (`npm run dev`), so a developer needs no
 * .env file; staging and production must say what they mean for the settings that protect users.
 */
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { OFF_SESSION_AUTHORIZATION_WINDOW_MS } from './series.js';

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Only ever used when ENVIRONMENT=development; staging and production refuse to start without their own. */
const DEVELOPMENT_SECRET_KEY = 'development-only-secret-key-change-me-0123456789';

/**
 * Credentials that only make sense against the local stack: each is a default below, and a
 * staging or production process refuses to start with any of them (anyone who read this file
 * would know it).
 */
const DEVELOPMENT_CREDENTIALS = {
  S3_ACCESS_KEY: 'tutorflow',
  S3_SECRET_KEY: 'tutorflow-secret',
  STRIPE_SECRET_KEY: 'sk_test_123',
  STRIPE_WEBHOOK_SECRET: 'whsec_development_only',
  BREVO_API_KEY: 'brevo-development-key',
  ZOOM_CLIENT_SECRET: 'zoom-development-secret',
  GOOGLE_CLIENT_SECRET: 'google-development-secret',
} as const;
/** MinIO's own out-of-the-box root credentials, as unsafe as ours. */
const MINIO_DEFAULT_CREDENTIALS = new Set(['minioadmin']);

/** Zoom's own endpoints, which an empty ZOOM_API_BASE / ZOOM_OAUTH_BASE stands for. */
const ZOOM_API = 'https://api.zoom.us/v2';
const ZOOM_OAUTH = 'https://zoom.us/oauth';

const RATE_WINDOWS_MS = { second: 1_000, minute: 60_000, hour: 3_600_000 } as const;

export interface RateLimit {
  /** How many requests one client may make in one window. */
  limit: number;
  windowMs: number;
}

/** "5/minute" → { limit: 5, windowMs: 60000 }; a bare number means per minute. */
const rateLimit = z
  .string()
  .trim()
  .regex(/^\d+(\/(second|minute|hour))?$/, 'expected "<count>/<second|minute|hour>", e.g. "5/minute"')
  .transform((text): RateLimit => {
    const [count, unit = 'minute'] = text.split('/');
    return { limit: Number(count), windowMs: RATE_WINDOWS_MS[unit as keyof typeof RATE_WINDOWS_MS] };
  });

const duration = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** A comma-separated list of durations ("24h,1h"), zero entries dropped; one bad entry names itself. */
const durationList = (fallback: string) =>
  z
    .string()
    .prefault(fallback)
    .transform((text, ctx) => {
      try {
        return text.split(',').map((part) => parseDuration(part.trim())).filter((ms) => ms > 0);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

const url = z.url();
const port = z.coerce.number().int().min(1).max(65_535);
const csv = z
  .string()
  .transform((text) => text.split(',').map((item) => item.trim()).filter(Boolean));

const schema = z
  .object({
    ENVIRONMENT: z.enum(ENVIRONMENTS).default('development'),
    SECRET_KEY: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    HOST: z.string().default('127.0.0.1'),
    PORT: port.default(3000),
    PUBLIC_BASE_URL: url.default('http://127.0.0.1:3000'),
    CORS_ORIGINS: csv.default(['http://localhost:5173', 'http://127.0.0.1:5173']),
    BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/i, 'expected a size such as 1mb or 256kb').default('1mb'),

    DATABASE_URL: url.default('postgres://tutorflow:tutorflow@127.0.0.1:54329/tutorflow'),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    // A query Postgres does not answer in this time fails (503 to an API caller, a retry for an activity): a hung server never hangs a request.
    DATABASE_QUERY_TIMEOUT: duration.prefault('15s'),
    REDIS_URL: url.default('redis://127.0.0.1:6389'),

    TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().default('default'),
    TEMPORAL_TASK_QUEUE: z.string().default('booking'),
    TEMPORAL_UI_URL: url.default('http://127.0.0.1:8233'),

    S3_ENDPOINT: url.default('http://127.0.0.1:9100'),
    S3_REGION: z.string().default('us-east-1'),
    S3_ACCESS_KEY: z.string().min(3).default(DEVELOPMENT_CREDENTIALS.S3_ACCESS_KEY),
    S3_SECRET_KEY: z.string().min(8).default(DEVELOPMENT_CREDENTIALS.S3_SECRET_KEY),
    S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'not a valid bucket name').default('tutorflow'),
    /** Where browsers reach object storage, when not at S3_ENDPOINT (e.g. http://localhost:9000 beside a container's http://minio:9000): presigned URLs are signed for this host. Empty means S3_ENDPOINT. */
    S3_PUBLIC_ENDPOINT: z.union([z.literal(''), url]).default(''),

    STRIPE_SECRET_KEY: z.string().startsWith('sk_', 'a Stripe secret key starts with sk_').default(DEVELOPMENT_CREDENTIALS.STRIPE_SECRET_KEY),
    STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_', 'a Stripe webhook secret starts with whsec_').default(DEVELOPMENT_CREDENTIALS.STRIPE_WEBHOOK_SECRET),
    /** Empty means Stripe itself; development and tests point it at stripe-mock. */
    STRIPE_API_BASE: z.union([z.literal(''), url]).default('http://127.0.0.1:12111'),
    /** Country of a tutor's Stripe Connect Express account when the tutor names none (ISO 3166-1 alpha-2). */
    STRIPE_CONNECT_DEFAULT_COUNTRY: z.string().regex(/^[A-Z]{2}$/, 'expected a two-letter country code such as US').default('US'),

    /** How long a presigned upload (PUT) URL stays valid. */
    FILE_UPLOAD_URL_TTL: duration.prefault('10m'),
    /** How long a presigned download (GET) URL stays valid. */
    FILE_DOWNLOAD_URL_TTL: duration.prefault('5m'),

    BREVO_API_KEY: z.string().default(DEVELOPMENT_CREDENTIALS.BREVO_API_KEY),
    /** Empty means Brevo itself; development and tests point it at the local fake. */
    BREVO_API_BASE: z.union([z.literal(''), url]).default('http://127.0.0.1:4510/brevo/v3'),
    EMAIL_FROM: z.email().default('hello@tutorflow.test'),

    ZOOM_ACCOUNT_ID: z.string().default('zoom-development-account'),
    ZOOM_CLIENT_ID: z.string().default('zoom-development-client'),
    ZOOM_CLIENT_SECRET: z.string().default(DEVELOPMENT_CREDENTIALS.ZOOM_CLIENT_SECRET),
    /** Empty means Zoom itself; development and tests point both bases at the local fake. */
    ZOOM_API_BASE: z.union([z.literal(''), url]).default('http://127.0.0.1:4510/zoom/v2').transform((base) => base || ZOOM_API),
    ZOOM_OAUTH_BASE: z.union([z.literal(''), url]).default('http://127.0.0.1:4510/zoom/oauth').transform((base) => base || ZOOM_OAUTH),

    GOOGLE_CLIENT_ID: z.string().default('google-development-client.apps.googleusercontent.com'),
    GOOGLE_CLIENT_SECRET: z.string().default(DEVELOPMENT_CREDENTIALS.GOOGLE_CLIENT_SECRET),
    GOOGLE_REDIRECT_URI: url.default('http://127.0.0.1:3000/api/auth/google/callback'),
    /** Where Google sends the browser back after a user connects their calendar (offline access). */
    GOOGLE_CALENDAR_REDIRECT_URI: url.default('http://127.0.0.1:3000/api/me/calendar/google/callback'),
    /** Empty means Google itself; development and tests point it at the local fake. */
    GOOGLE_API_BASE: z.union([z.literal(''), url]).default('http://127.0.0.1:4510/google'),

    ACCESS_TOKEN_TTL: duration.prefault('15m'),
    REFRESH_TOKEN_TTL: duration.prefault('30d'),
    /**
     * A refresh token presented again this soon after it was traded (a reload during the page's own
     * refresh, two tabs) gets the same successor instead of ending the session; 0s turns that off.
     */
    REFRESH_TOKEN_REUSE_INTERVAL: duration.prefault('10s'),
    EMAIL_VERIFICATION_TTL: duration.prefault('24h'),
    PASSWORD_RESET_TTL: duration.prefault('1h'),
    /** How long a Google sign-in may take between /start and the callback. */
    OAUTH_STATE_TTL: duration.prefault('10m'),
    /** Where links in emails point (the web frontend): <base>/verify-email?token=…, <base>/reset-password?token=… */
    FRONTEND_BASE_URL: url.default('http://localhost:5173'),
    /** How often the email outbox retries messages whose first send failed. */
    EMAIL_RETRY_INTERVAL: duration.prefault('30s'),

    /** How often the clean-up schedule (created by the worker) deletes what outlived its retention. */
    MAINTENANCE_INTERVAL: duration.prefault('1h'),
    /** Ended (expired or revoked) sign-in sessions are kept this long, then deleted with their refresh tokens. */
    SESSION_RETENTION: duration.prefault('7d'),
    /** An upload never confirmed is deleted (object and row) this long after it was started. */
    PENDING_UPLOAD_RETENTION: duration.prefault('24h'),
    /** Processed Stripe event ids are kept this long for de-duplication (Stripe redelivers for up to 3 days). */
    STRIPE_EVENT_RETENTION: duration.prefault('30d'),
    /** Sent emails stay in the outbox this long. */
    SENT_EMAIL_RETENTION: duration.prefault('30d'),
    /** Read in-app notifications are deleted this long after they were created; unread ones stay. */
    NOTIFICATIONS_RETENTION: duration.prefault('90d'),

    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    REGISTRATION_RATE_LIMIT: rateLimit.prefault('5/minute'),
    LOGIN_RATE_LIMIT: rateLimit.prefault('10/minute'),

    SHUTDOWN_GRACE: duration.prefault('10s'),

    /** Where the API's /metrics, the worker's health endpoint and its metrics listen; keep it private. */
    METRICS_HOST: z.string().default('127.0.0.1'),
    /** The API's Prometheus /metrics listener (not the public PORT); 0 turns it off. */
    METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
    /** The worker's /healthz (event loop), /readyz (polling Temporal) and /metrics (activity outcomes); 0 = off. */
    WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(9465),
    /** The Temporal SDK's own Prometheus metrics of the worker (slots, pollers, latencies); 0 = off. */
    WORKER_SDK_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9466),
    /**
     * The booking worker's sticky cache: workflows kept in memory between their tasks, ~0.6 MiB of
     * RSS per open booking (docs/benchmarks.md); one evicted is replayed from its history at its next
     * task. 250 keeps a worker's live set the same on any machine, with WORKER_HEAP_LIMIT_MB
     * bounding the eviction churn's garbage; 0 = the SDK's default, which follows the heap limit
     * (~2,400 workflows at a 4 GiB heap).
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).refine((n) => n !== 1, 'must be 0 (the SDK default) or at least 2').default(250),
    /** Workflow tasks the worker runs at once (0 = the SDK's default, 40, or the cache size if smaller); at most the cache size. */
    WORKER_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(0).max(10_000).default(0),
    /** Activities (and, separately, local activities) the worker runs at once (0 = the SDK's default, 100 each). */
    WORKER_ACTIVITY_SLOTS: z.coerce.number().int().min(0).max(10_000).default(0),
    /** Long polls the worker keeps open for workflow tasks and for activity tasks (0 = the SDK's default, up to 10 each). */
    WORKER_WORKFLOW_TASK_POLLERS: z.coerce.number().int().min(0).max(1_000).default(0),
    WORKER_ACTIVITY_TASK_POLLERS: z.coerce.number().int().min(0).max(1_000).default(0),
    /** Threads that run workflow code (0 = the SDK's default, 1); the main thread keeps the activities and the server's traffic. */
    WORKER_WORKFLOW_THREADS: z.coerce.number().int().min(0).max(16).default(0),
    /**
     * Where the worker gets its workflow code: `auto` runs the prebuilt bundle (npm run build) outside
     * development and bundles the sources in development; `prebuilt` runs the bundle in development
     * too (start-up without bundling, and the memory a production worker has: docs/benchmarks.md).
     */
    WORKER_WORKFLOW_BUNDLE: z.enum(['auto', 'prebuilt']).default('auto'),
    /**
     * The worker's V8 old-space limit in MB (`--max-old-space-size`; the entry point restarts itself
     * with it, workers/heap-limit.ts): evicted workflows' garbage is collected instead of growing the
     * heap. 0 = Node's default (sized from the memory limit), or a flag given on the command line or
     * in NODE_OPTIONS, which always wins.
     */
    WORKER_HEAP_LIMIT_MB: z.coerce.number().int().min(0).max(65_536).default(192),
    /** OTLP/HTTP traces endpoint (e.g. http://collector:4318/v1/traces); empty = tracing off. */
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.union([z.literal(''), url]).default(''),

    /** The standalone realtime server's port (server/realtime.ts); the API also serves ws at /ws on PORT. */
    REALTIME_PORT: port.default(3001),
    /** Ping every connection this often; one that missed the previous pong is dropped. Also refreshes presence. */
    REALTIME_HEARTBEAT_INTERVAL: duration.prefault('25s'),
    /** A server's presence entries live this long unless its heartbeat refreshes them; must exceed the heartbeat. */
    REALTIME_PRESENCE_TTL: duration.prefault('60s'),
    /** Frames a connection may send: the refill rate of its token bucket… */
    REALTIME_RATE_LIMIT: rateLimit.prefault('10/second'),
    /** …and the bucket's size (the burst allowed). */
    REALTIME_RATE_BURST: z.coerce.number().int().min(1).default(30),
    /** At most one typing indicator per user and conversation is forwarded per this interval. */
    REALTIME_TYPING_THROTTLE: duration.prefault('2s'),

    BOOKING_REQUEST_TTL: duration.prefault('24h'),
    BOOKING_PAYMENT_ACTION_TIMEOUT: duration.prefault('30m'),
    BOOKING_GRACE: duration.prefault('15m'),
    BOOKING_REMINDERS: durationList('24h,1h'),
    BOOKING_PAYOUT_HOLD: duration.prefault('72h'),
    BOOKING_PAYOUT_RECHECK: duration.prefault('1h'),
    BOOKING_REFUND_WINDOW: duration.prefault('30d'),
    // No-shows: reported from the start plus this grace; the absent tutor has this long to contest.
    BOOKING_NO_SHOW_GRACE: duration.prefault('10m'),
    BOOKING_NO_SHOW_CONTEST_WINDOW: duration.prefault('48h'),
    // Reschedules: how many per booking, how close to the start a student may still propose one, how long a proposal stands.
    BOOKING_MAX_RESCHEDULES: z.coerce.number().int().min(0).max(100).default(2),
    BOOKING_STUDENT_RESCHEDULE_CUTOFF: duration.prefault('12h'),
    BOOKING_RESCHEDULE_PROPOSAL_TTL: duration.prefault('24h'),
    // How long an API request waits for a booking's workflow to answer an action before 202/503.
    BOOKING_UPDATE_TIMEOUT: duration.prefault('10s'),
    PLATFORM_COMMISSION_BPS: z.coerce.number().int().min(0).max(10_000).default(1_500),
    // Reviews: a student may review an ended lesson this long after its end, and edit the review this long after writing it.
    REVIEW_WINDOW: duration.prefault('14d'),
    REVIEW_EDIT_WINDOW: duration.prefault('48h'),
    /** How long a GDPR export's presigned link (API answer and email) works; a new one can be asked for any time. */
    DATA_EXPORT_LINK_TTL: duration.prefault('1h'),
    // Weekly series: at most this many weeks; each week is booked (its card authorized) this long before its lesson.
    SERIES_MAX_WEEKS: z.coerce.number().int().min(1).max(104).default(26),
    SERIES_BOOKING_LEAD: duration.prefault('4d'),
    // A series workflow continues as new past this many history events (its history stays bounded).
    SERIES_HISTORY_LIMIT: z.coerce.number().int().min(200).max(40_000).default(5_000),
    // Lesson packages: a bought package's credits expire this long after purchase, with reminders this long before.
    PACKAGE_EXPIRY: duration.prefault('180d'),
    PACKAGE_EXPIRY_REMINDERS: durationList('30d,7d'),
  })
  .superRefine((env, ctx) => {
    if (env.ENVIRONMENT === 'development') return;
    if (!env.SECRET_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SECRET_KEY'], message: `is required when ENVIRONMENT=${env.ENVIRONMENT}` });
    }
    for (const { key, message } of unsafeOutsideDevelopment(env)) ctx.addIssue({ code: 'custom', path: [key], message });
  })
  .refine((env) => env.SECRET_KEY === undefined || env.SECRET_KEY.length >= 32, {
    path: ['SECRET_KEY'],
    message: 'must be at least 32 characters',
  })
  .refine((env) => env.REFRESH_TOKEN_REUSE_INTERVAL <= 60_000, {
    path: ['REFRESH_TOKEN_REUSE_INTERVAL'],
    message: 'must be at most 1m: within it a stolen, just-used refresh token is answered instead of ending the session',
  })
  .refine((env) => env.REALTIME_PRESENCE_TTL > env.REALTIME_HEARTBEAT_INTERVAL, {
    path: ['REALTIME_PRESENCE_TTL'],
    message: 'must be longer than REALTIME_HEARTBEAT_INTERVAL, or live users would flicker offline',
  })
  .refine((env) => env.PENDING_UPLOAD_RETENTION > env.FILE_UPLOAD_URL_TTL, {
    path: ['PENDING_UPLOAD_RETENTION'],
    message: 'must be longer than FILE_UPLOAD_URL_TTL, or uploads in progress would be deleted',
  })
  .refine((env) => env.SERIES_BOOKING_LEAD > 0 && env.SERIES_BOOKING_LEAD <= OFF_SESSION_AUTHORIZATION_WINDOW_MS, {
    path: ['SERIES_BOOKING_LEAD'],
    message: "must be above 0 and at most 4d18h: Stripe's shortest hold for a card charged without the customer present (Visa) lapses after that",
  })
  .refine((env) => env.STRIPE_EVENT_RETENTION >= 3 * 86_400_000, {
    path: ['STRIPE_EVENT_RETENTION'],
    message: 'must be at least 3d: Stripe redelivers an event for up to three days, and a forgotten id would be processed twice',
  })
  .refine((env) => env.WORKER_MAX_CACHED_WORKFLOWS === 0 || env.WORKER_WORKFLOW_TASK_SLOTS <= env.WORKER_MAX_CACHED_WORKFLOWS, {
    path: ['WORKER_WORKFLOW_TASK_SLOTS'],
    message: 'must be at most WORKER_MAX_CACHED_WORKFLOWS: a workflow task runs on a cached workflow',
  });

type ParsedEnv = z.output<typeof schema>;

type SafetyRelevantSettings = { SECRET_KEY?: string | undefined; CORS_ORIGINS: string[] } & Record<keyof typeof DEVELOPMENT_CREDENTIALS | (typeof API_BASE_KEYS)[number], string>;

/** Base URLs of outside services; each must be the real service (empty, or a public host) outside development. */
const API_BASE_KEYS = ['STRIPE_API_BASE', 'BREVO_API_BASE', 'ZOOM_API_BASE', 'ZOOM_OAUTH_BASE', 'GOOGLE_API_BASE'] as const;

/** localhost, *.localhost, 0.0.0.0, 127.0.0.0/8 and ::1: this machine, so a fake or nothing. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '0.0.0.0' || host === '::1' || host === '::' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Settings with which a staging or production process would be open to anyone who has read this
 * repository, or would quietly talk to a local fake: one entry per key, each named.
 */
export function unsafeOutsideDevelopment(env: SafetyRelevantSettings): { key: string; message: string }[] {
  const unsafe: { key: string; message: string }[] = [];
  if (env.SECRET_KEY === DEVELOPMENT_SECRET_KEY) {
    unsafe.push({ key: 'SECRET_KEY', message: 'must not be the development key outside development (every key derived from it would be public)' });
  }
  for (const [key, value] of Object.entries(DEVELOPMENT_CREDENTIALS) as [keyof typeof DEVELOPMENT_CREDENTIALS, string][]) {
    if (env[key] === value) unsafe.push({ key, message: 'must not be the development default outside development' });
  }
  for (const key of ['S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const) {
    if (MINIO_DEFAULT_CREDENTIALS.has(env[key])) unsafe.push({ key, message: "must not be MinIO's default credential outside development" });
  }
  for (const key of API_BASE_KEYS) {
    const host = env[key] ? hostOf(env[key]) : undefined;
    if (host && isLoopbackHost(host)) {
      unsafe.push({ key, message: `points at ${host}, a local fake; leave it empty for the real service outside development` });
    }
  }
  for (const origin of env.CORS_ORIGINS) {
    const host = hostOf(origin);
    if (origin.includes('*') || origin === 'null' || !host) {
      unsafe.push({ key: 'CORS_ORIGINS', message: `"${origin}" is not one exact origin (no wildcards outside development)` });
    } else if (isLoopbackHost(host)) {
      unsafe.push({ key: 'CORS_ORIGINS', message: `"${origin}" is a local origin; a page on any visitor's own machine could call the API` });
    }
  }
  return unsafe;
}

/** Every environment variable the configuration reads; .env.example must list each of them. */
export const CONFIG_KEYS = Object.keys(schema.shape) as (keyof ParsedEnv)[];

export interface Config {
  environment: Environment;
  secretKey: string;
  logLevel: ParsedEnv['LOG_LEVEL'];
  http: { host: string; port: number; publicBaseUrl: string; corsOrigins: string[]; bodyLimit: string };
  database: { url: string; poolMax: number; queryTimeoutMs: number };
  redis: { url: string };
  temporal: { address: string; namespace: string; taskQueue: string; uiUrl: string };
  storage: { endpoint: string; region: string; accessKey: string; secretKey: string; bucket: string; publicEndpoint?: string };
  stripe: { secretKey: string; webhookSecret: string; apiBase: string };
  stripeConnect: { defaultCountry: string };
  files: { uploadUrlTtlMs: number; downloadUrlTtlMs: number };
  brevo: { apiKey: string; apiBase: string; from: string };
  zoom: { accountId: string; clientId: string; clientSecret: string; apiBase: string; oauthBase: string };
  google: { clientId: string; clientSecret: string; redirectUri: string; calendarRedirectUri: string; apiBase: string };
  auth: {
    accessTokenTtlMs: number;
    refreshTokenTtlMs: number;
    /** A just-traded refresh token presented again within this gets the same successor (0 = never). */
    refreshTokenReuseIntervalMs: number;
    emailVerificationTtlMs: number;
    passwordResetTtlMs: number;
    oauthStateTtlMs: number;
  };
  email: { frontendBaseUrl: string; retryIntervalMs: number };
  maintenance: {
    intervalMs: number;
    sessionRetentionMs: number;
    pendingUploadRetentionMs: number;
    stripeEventRetentionMs: number;
    sentEmailRetentionMs: number;
    readNotificationRetentionMs: number;
  };
  rateLimits: { general: RateLimit; registration: RateLimit; login: RateLimit };
  shutdownGraceMs: number;
  observability: ObservabilityConfig;
  worker: WorkerTuning;
  realtime: RealtimeConfig;
  booking: Required<BookingTimings> & { commissionBps: number; updateTimeoutMs: number };
  reviews: { windowMs: number; editWindowMs: number };
  privacy: { exportLinkTtlMs: number };
  series: { maxWeeks: number; bookingLeadMs: number; historyLimit: number };
  packages: { expiryMs: number; reminderOffsetsMs: number[] };
}

export interface ObservabilityConfig {
  metricsHost: string;
  /** 0 = no listener. */
  metricsPort: number;
  workerHealthPort: number;
  workerSdkMetricsPort: number;
  /** Empty = tracing off. */
  otlpTracesEndpoint: string;
}

/** The booking worker's Temporal options; 0 leaves a setting at the SDK's default (workers/worker-tuning.ts). */
export interface WorkerTuning {
  maxCachedWorkflows: number;
  workflowTaskSlots: number;
  activitySlots: number;
  workflowTaskPollers: number;
  activityTaskPollers: number;
  workflowThreads: number;
  workflowBundle: 'auto' | 'prebuilt';
  /** --max-old-space-size of the worker process; 0 = Node's default. */
  heapLimitMb: number;
}

/** Every duration of a booking's life, from configuration, so a demo or a test runs it in seconds. */
export interface BookingTimings {
  requestTtlMs: number;
  paymentActionTimeoutMs: number;
  graceMs: number;
  reminderOffsetsMs: number[];
  payoutHoldMs: number;
  payoutRecheckMs: number;
  refundWindowMs: number;
  // Optional: bookings started before these existed carry timings without them (the workflow defaults them).
  noShowGraceMs?: number;
  noShowContestMs?: number;
  maxReschedules?: number;
  studentRescheduleCutoffMs?: number;
  rescheduleProposalTtlMs?: number;
}

/** The durations a booking's workflow runs on, from the configuration (what the API sends it at start). */
export function bookingTimingsOf(booking: Config['booking']): Required<BookingTimings> {
  return {
    requestTtlMs: booking.requestTtlMs,
    paymentActionTimeoutMs: booking.paymentActionTimeoutMs,
    graceMs: booking.graceMs,
    reminderOffsetsMs: booking.reminderOffsetsMs,
    payoutHoldMs: booking.payoutHoldMs,
    payoutRecheckMs: booking.payoutRecheckMs,
    refundWindowMs: booking.refundWindowMs,
    noShowGraceMs: booking.noShowGraceMs!,
    noShowContestMs: booking.noShowContestMs!,
    maxReschedules: booking.maxReschedules!,
    studentRescheduleCutoffMs: booking.studentRescheduleCutoffMs!,
    rescheduleProposalTtlMs: booking.rescheduleProposalTtlMs!,
  };
}

export interface RealtimeConfig {
  port: number;
  heartbeatIntervalMs: number;
  presenceTtlMs: number;
  rateLimit: RateLimit;
  rateBurst: number;
  typingThrottleMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment. Throws a ConfigError naming every bad key, so a misconfigured process
 * stops at start-up with one readable message instead of failing on the first request.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable (KEY= in a .env file) means "not set", so the default applies.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  for (const keepEmpty of API_BASE_KEYS) {
    if (env[keepEmpty] === '') present[keepEmpty] = '';
  }
  // A built image sets NODE_ENV=production; without ENVIRONMENT it would run on the development keys.
  if (env.NODE_ENV === 'production' && !env.ENVIRONMENT) {
    throw new ConfigError('Invalid configuration:\n  ENVIRONMENT: must be set when NODE_ENV=production (development | staging | production)');
  }
  const result = schema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  return Object.freeze({
    environment: e.ENVIRONMENT,
    secretKey: e.SECRET_KEY ?? DEVELOPMENT_SECRET_KEY,
    logLevel: e.LOG_LEVEL,
    http: { host: e.HOST, port: e.PORT, publicBaseUrl: e.PUBLIC_BASE_URL, corsOrigins: e.CORS_ORIGINS, bodyLimit: e.BODY_LIMIT },
    database: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX, queryTimeoutMs: e.DATABASE_QUERY_TIMEOUT },
    redis: { url: e.REDIS_URL },
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE, uiUrl: e.TEMPORAL_UI_URL },
    storage: { endpoint: e.S3_ENDPOINT, region: e.S3_REGION, accessKey: e.S3_ACCESS_KEY, secretKey: e.S3_SECRET_KEY, bucket: e.S3_BUCKET, ...(e.S3_PUBLIC_ENDPOINT ? { publicEndpoint: e.S3_PUBLIC_ENDPOINT } : {}) },
    stripe: { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiBase: e.STRIPE_API_BASE },
    stripeConnect: { defaultCountry: e.STRIPE_CONNECT_DEFAULT_COUNTRY },
    files: { uploadUrlTtlMs: e.FILE_UPLOAD_URL_TTL, downloadUrlTtlMs: e.FILE_DOWNLOAD_URL_TTL },
    brevo: { apiKey: e.BREVO_API_KEY, apiBase: e.BREVO_API_BASE, from: e.EMAIL_FROM },
    zoom: { accountId: e.ZOOM_ACCOUNT_ID, clientId: e.ZOOM_CLIENT_ID, clientSecret: e.ZOOM_CLIENT_SECRET, apiBase: e.ZOOM_API_BASE, oauthBase: e.ZOOM_OAUTH_BASE },
    google: { clientId: e.GOOGLE_CLIENT_ID, clientSecret: e.GOOGLE_CLIENT_SECRET, redirectUri: e.GOOGLE_REDIRECT_URI, calendarRedirectUri: e.GOOGLE_CALENDAR_REDIRECT_URI, apiBase: e.GOOGLE_API_BASE },
    auth: {
      accessTokenTtlMs: e.ACCESS_TOKEN_TTL,
      refreshTokenTtlMs: e.REFRESH_TOKEN_TTL,
      refreshTokenReuseIntervalMs: e.REFRESH_TOKEN_REUSE_INTERVAL,
      emailVerificationTtlMs: e.EMAIL_VERIFICATION_TTL,
      passwordResetTtlMs: e.PASSWORD_RESET_TTL,
      oauthStateTtlMs: e.OAUTH_STATE_TTL,
    },
    email: { frontendBaseUrl: e.FRONTEND_BASE_URL, retryIntervalMs: e.EMAIL_RETRY_INTERVAL },
    maintenance: {
      intervalMs: e.MAINTENANCE_INTERVAL,
      sessionRetentionMs: e.SESSION_RETENTION,
      pendingUploadRetentionMs: e.PENDING_UPLOAD_RETENTION,
      stripeEventRetentionMs: e.STRIPE_EVENT_RETENTION,
      sentEmailRetentionMs: e.SENT_EMAIL_RETENTION,
      readNotificationRetentionMs: e.NOTIFICATIONS_RETENTION,
    },
    rateLimits: {
      general: { limit: e.RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
      registration: e.REGISTRATION_RATE_LIMIT,
      login: e.LOGIN_RATE_LIMIT,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE,
    observability: {
      metricsHost: e.METRICS_HOST,
      metricsPort: e.METRICS_PORT,
      workerHealthPort: e.WORKER_HEALTH_PORT,
      workerSdkMetricsPort: e.WORKER_SDK_METRICS_PORT,
      otlpTracesEndpoint: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    },
    worker: {
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      workflowTaskSlots: e.WORKER_WORKFLOW_TASK_SLOTS,
      activitySlots: e.WORKER_ACTIVITY_SLOTS,
      workflowTaskPollers: e.WORKER_WORKFLOW_TASK_POLLERS,
      activityTaskPollers: e.WORKER_ACTIVITY_TASK_POLLERS,
      workflowThreads: e.WORKER_WORKFLOW_THREADS,
      workflowBundle: e.WORKER_WORKFLOW_BUNDLE,
      heapLimitMb: e.WORKER_HEAP_LIMIT_MB,
    },
    realtime: {
      port: e.REALTIME_PORT,
      heartbeatIntervalMs: e.REALTIME_HEARTBEAT_INTERVAL,
      presenceTtlMs: e.REALTIME_PRESENCE_TTL,
      rateLimit: e.REALTIME_RATE_LIMIT,
      rateBurst: e.REALTIME_RATE_BURST,
      typingThrottleMs: e.REALTIME_TYPING_THROTTLE,
    },
    booking: {
      requestTtlMs: e.BOOKING_REQUEST_TTL,
      paymentActionTimeoutMs: e.BOOKING_PAYMENT_ACTION_TIMEOUT,
      graceMs: e.BOOKING_GRACE,
      reminderOffsetsMs: e.BOOKING_REMINDERS,
      payoutHoldMs: e.BOOKING_PAYOUT_HOLD,
      payoutRecheckMs: e.BOOKING_PAYOUT_RECHECK,
      refundWindowMs: e.BOOKING_REFUND_WINDOW,
      noShowGraceMs: e.BOOKING_NO_SHOW_GRACE,
      noShowContestMs: e.BOOKING_NO_SHOW_CONTEST_WINDOW,
      maxReschedules: e.BOOKING_MAX_RESCHEDULES,
      studentRescheduleCutoffMs: e.BOOKING_STUDENT_RESCHEDULE_CUTOFF,
      rescheduleProposalTtlMs: e.BOOKING_RESCHEDULE_PROPOSAL_TTL,
      updateTimeoutMs: e.BOOKING_UPDATE_TIMEOUT,
      commissionBps: e.PLATFORM_COMMISSION_BPS,
    },
    reviews: { windowMs: e.REVIEW_WINDOW, editWindowMs: e.REVIEW_EDIT_WINDOW },
    privacy: { exportLinkTtlMs: e.DATA_EXPORT_LINK_TTL },
    series: { maxWeeks: e.SERIES_MAX_WEEKS, bookingLeadMs: e.SERIES_BOOKING_LEAD, historyLimit: e.SERIES_HISTORY_LIMIT },
    packages: { expiryMs: e.PACKAGE_EXPIRY, reminderOffsetsMs: e.PACKAGE_EXPIRY_REMINDERS },
  });
}
