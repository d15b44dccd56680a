/**
 * `npm run dev`: the whole product on this machine. Provisions what is missing, starts every
 * service of the dev stack, migrates, starts the local fakes (Brevo, Google, Zoom, Calendar) and the
 * stateful Stripe proxy in front of stripe-mock, seeds the demo data, starts the API and the worker
 * with short booking durations, and prints where to look and who to sign in as.
 * Ctrl-C stops everything this run started; services that were already running stay up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { prettyFactory } from 'pino-pretty';
import { createLogger } from '../platform/logger.js';
import { createKnex } from '../db/knex.js';
import { migrateToLatest } from '../db/migrator.js';
import { DemoSeedRefused, seedDemo, type DemoSeedResult } from './demo-data/demo.js';
import { demoAccountLines } from './demo-data/demo-summary.js';
import { loadConfig } from '../domain/config.js';
import { createStorageClient, ensureBucket } from '../integrations/storage.js';
import { createStripeClient } from '../integrations/stripe.js';
import { connectTemporal } from '../integrations/temporal.js';
import { startFakes } from './fakes/index.js';
import { startStripeProxy, type StripeProxy } from './fakes/stripe-proxy.js';
import { startWebDevServer, type WebDevServer } from './web-dev-server.js';
import { stackEnv } from './stack/env.js';
import { startStack } from './stack/index.js';
import { LOOPBACK } from './stack/profiles.js';
import { canConnect, httpStatus } from './stack/readiness/probes.js';
import { waitUntil } from './stack/readiness/wait-until.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the configuration's defaults expect the fakes (BREVO_API_BASE, ZOOM_API_BASE, …). */
const FAKES_PORT = 4510;
/** Beside the dev stripe-mock (12111/12112), free of the test profile's ports. */
const STRIPE_PROXY_PORT = 12110;
/** A whole booking lifecycle in minutes instead of days; each one yields to a value the user set. */
const DEV_BOOKING_DURATIONS: Record<string, string> = {
  BOOKING_REQUEST_TTL: '10m',
  BOOKING_GRACE: '1m',
  BOOKING_REMINDERS: '10m,2m',
  BOOKING_PAYOUT_HOLD: '2m',
  BOOKING_PAYOUT_RECHECK: '30s',
  BOOKING_REFUND_WINDOW: '10m',
};
const API_READY_TIMEOUT_MS = 60_000;
/** The worker bundles the workflow code at start in development, which takes a while on a small machine. */
const WORKER_READY_TIMEOUT_MS = 180_000;
const CHILD_STOP_TIMEOUT_MS = 30_000;

const say = (line = '') => process.stdout.write(`${line}\n`);

/** A problem the person running this can fix (a port in use, …): said without a stack trace. */
class DevProblem extends Error {}

// ---- stopping: everything started registers how to undo it, before it is awaited ----------------

interface Cleanup {
  name: string;
  run(): Promise<void>;
}
const cleanups: Cleanup[] = [];
let stopping: Promise<void> | undefined;

/** Undoes what was started, newest first, then exits. Safe to call again (a second Ctrl-C). */
function stop(exitCode: number, reason?: string): Promise<void> {
  stopping ??= (async () => {
    if (reason) say(reason);
    say('\nstopping…');
    let code = exitCode;
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop()!;
      try {
        await cleanup.run();
      } catch (error) {
        say(`  ${cleanup.name}: ${(error as Error).message}`);
        code ||= 1;
      }
    }
    say('stopped.');
    process.exit(code);
  })();
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));

// ---- the API and the worker as child processes ---------------------------------------------------

const children = new Set<ChildProcess>();
// Last resort if this process dies some other way: the children run in their own process group.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

const prettify = prettyFactory({
  colorize: process.stdout.isTTY === true,
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss',
  ignore: 'pid,hostname,service,environment',
});

function prettyLine(line: string): string {
  if (!line.startsWith('{')) return `${line}\n`;
  try {
    return prettify(JSON.parse(line) as object);
  } catch {
    return `${line}\n`;
  }
}

function run(name: string, entry: string, env: Record<string, string>, onLine?: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches only this script, which then stops each
    // child once (the API treats a second signal as "exit now").
    detached: true,
  });
  children.add(child);
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      onLine?.(line);
      process.stdout.write(`[${name}] ${prettyLine(line)}`);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) void stop(1, `[${name}] exited (${signal ?? `code ${code}`}); stopping the rest`);
  });
  cleanups.push({
    name,
    run: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      say(`${name.padEnd(12)} stopped`);
    },
  });
  return child;
}

// ---- the run ------------------------------------------------------------------------------------

async function main(): Promise<void> {
  // The API and the worker read .env too; reading it here lets its values win over the dev defaults below.
  const dotenv = path.join(ROOT, '.env');
  if (existsSync(dotenv)) process.loadEnvFile(dotenv);
  const userEnv = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const userSet = (key: string) => userEnv[key] !== undefined && userEnv[key] !== '';

  const stackStarting = startStack({ root: ROOT, profile: 'dev', log: (line) => say(`[stack] ${line}`) });
  cleanups.push({ name: 'dev stack', run: async () => (await stackStarting.catch(() => undefined))?.stop() });
  const stack = await stackStarting;
  if (stopping) return;
  const stackSettings = stackEnv('dev');

  const fakes = await startLocalFakes();
  if (stopping) return;

  // Empty STRIPE_API_BASE means Stripe itself: no stripe-mock, so nothing to play state for.
  const stripeUpstream = userEnv.STRIPE_API_BASE ?? stackSettings.STRIPE_API_BASE!;
  const stripeProxy = stripeUpstream === '' ? undefined : await startDevStripeProxy(stripeUpstream);
  const stripeProxyUrl = stripeProxy?.url;
  if (stopping) return;

  const durations = Object.fromEntries(Object.entries(DEV_BOOKING_DURATIONS).filter(([key]) => !userSet(key)));
  const appEnv: Record<string, string> = {
    ...stackSettings,
    ENVIRONMENT: 'development',
    ...fakes.env,
    // Google (the fake) returns to the web app, which finishes the sign-in through the API.
    GOOGLE_REDIRECT_URI: `${(userEnv.FRONTEND_BASE_URL || 'http://localhost:5173').replace(/\/+$/, '')}/auth/google/callback`,
    ...userEnv,
    // After the user's: an empty value (KEY= in .env) means "not set", so the dev duration applies.
    ...durations,
    ...(stripeProxyUrl ? { STRIPE_API_BASE: stripeProxyUrl } : {}),
  };
  const config = loadConfig(appEnv);
  // Stripe's webhooks (after 3-D Secure or a saved card in the fake's hosted pages) go to the API, signed.
  stripeProxy?.setWebhookEndpoint({ url: `${config.http.publicBaseUrl.replace(/\/+$/, '')}/api/webhooks/stripe`, secret: config.stripe.webhookSecret });

  const db = createKnex(config.database);
  let seed: DemoSeedResult | undefined;
  try {
    const applied = await migrateToLatest(db);
    say(`[db] ${applied.length > 0 ? `migrated: ${applied.join(', ')}` : 'schema up to date'}`);
    await ensureBucket(createStorageClient(config.storage), config.storage);
    try {
      // The demo series' workflow starts on the stack's Temporal; the worker picks it up once running.
      const temporal = await connectTemporal(config.temporal).catch(() => undefined);
      try {
        seed = await seedDemo({ config, db, stripe: createStripeClient(config.stripe), logger: createLogger(config, 'seed'), ...(temporal ? { temporal: temporal.client } : {}) });
      } finally {
        await temporal?.connection.close();
      }
      if (seed.changes.length === 0) say('[seed] demo data already in place');
      for (const change of seed.changes) say(`[seed] ${change}`);
    } catch (error) {
      if (!(error instanceof DemoSeedRefused)) throw error;
      say(`[seed] skipped: ${error.message}`);
    }
  } finally {
    await db.destroy();
  }
  if (stopping) return;

  if (await canConnect(config.http.port, LOOPBACK)) {
    throw new DevProblem(`port ${config.http.port} (the API's PORT) is already in use; stop what uses it or set PORT`);
  }
  let workerPolling = false;
  run('api', 'server/api.ts', appEnv);
  run('worker', 'workers/booking-worker.ts', appEnv, (line) => {
    if (line.includes('"worker polling"')) workerPolling = true;
  });

  const base = config.http.publicBaseUrl.replace(/\/+$/, '');
  const [api, worker] = await Promise.all([
    waitUntil(async () => (await httpStatus(`${base}/health`)) === 200, { timeoutMs: API_READY_TIMEOUT_MS, abortReason: () => (stopping ? 'stopping' : undefined) }),
    waitUntil(async () => workerPolling, { timeoutMs: WORKER_READY_TIMEOUT_MS, abortReason: () => (stopping ? 'stopping' : undefined) }),
  ]);
  if (stopping) return;
  if (!api.ok) throw new DevProblem(`the API did not answer ${base}/health: ${api.reason}`);
  const web = await startWeb(base, stripeProxyUrl);
  if (stopping) return;
  if (!worker.ok) say(`[worker] not polling yet (${worker.reason}); bookings wait for it`);

  const minioConsole = stackSettings.MINIO_CONSOLE_URL!;
  const ws = base.replace(/^http/, 'ws');
  say();
  say('Tutorflow is running. Where to look:');
  say(`  Web app          ${web.url}   (Vite, hot reload; FRONTEND_BASE_URL=${config.email.frontendBaseUrl})`);
  say(`  API              ${base}`);
  say(`  API docs         ${base}/docs`);
  say(`  OpenAPI          ${base}/openapi.json`);
  say(`  WebSocket        ${ws}/ws   (protocol described at ${base}/docs/realtime.json)`);
  say(`  Health           ${base}/api/health/integrity`);
  say(`  Temporal UI      ${config.temporal.uiUrl}`);
  say(`  MinIO console    ${minioConsole}   (user ${config.storage.accessKey}, password ${config.storage.secretKey})`);
  say(`  Fake inbox       ${fakes.url}/_fake/brevo/messages   (every email the app sent; ?to=<address>)`);
  say(
    stripeProxyUrl
      ? `  Stripe           ${stripeProxyUrl}   (stateful proxy in front of stripe-mock ${stripeUpstream})`
      : `  Stripe           Stripe itself (STRIPE_API_BASE is empty)`,
  );
  say(`  Dev stack        started: ${stack.started.join(', ') || 'none'}; already running (left up on exit): ${stack.alreadyRunning.join(', ') || 'none'}`);
  say();
  say('Booking durations for this run (set any of them in the environment or .env to change it):');
  for (const key of Object.keys(DEV_BOOKING_DURATIONS)) say(`  ${key}=${appEnv[key]}${key in durations ? '' : '   (yours)'}`);
  if (seed) {
    say();
    say('Demo accounts (role, email, password):');
    for (const line of demoAccountLines(seed)) say(`  ${line}`);
    const student = seed.accounts.find((account) => account.role === 'student')!;
    say();
    say('Try it:');
    say(`  curl -s ${base}/api/auth/login -H 'content-type: application/json' -d '{"email":"${student.email}","password":"${student.password}"}'`);
    say(`  curl -s '${base}/api/tutors?limit=10'`);
  }
  say();
  say('Press Ctrl-C to stop everything this command started.');
}

/** The web app under Vite with hot reload, proxying the API (scripts/web-dev-server.ts). */
async function startWeb(apiBase: string, stripeFakeUrl: string | undefined): Promise<WebDevServer> {
  const starting = startWebDevServer(apiBase, stripeFakeUrl ? { stripeFakeUrl } : {});
  cleanups.push({
    name: 'web',
    run: async () => {
      await (await starting.catch(() => undefined))?.close();
      say(`${'web'.padEnd(12)} stopped`);
    },
  });
  return starting.catch((error: unknown) => {
    throw new DevProblem(`the web app (Vite) did not start: ${(error as Error).message}`);
  });
}

/** The fakes on their usual port; a fakes server already there (`tsx scripts/fakes/cli.ts`) is used as it is. */
async function startLocalFakes(): Promise<{ url: string; env: Record<string, string> }> {
  const url = `http://${LOOPBACK}:${FAKES_PORT}`;
  const env = { BREVO_API_BASE: `${url}/brevo/v3`, GOOGLE_API_BASE: `${url}/google`, ZOOM_API_BASE: `${url}/zoom/v2`, ZOOM_OAUTH_BASE: `${url}/zoom/oauth` };
  if (await canConnect(FAKES_PORT, LOOPBACK)) {
    if ((await httpStatus(`${url}/_fake/health`)) !== 200) throw new DevProblem(`port ${FAKES_PORT} (the fakes' port) is in use by something that is not the fakes`);
    say(`[fakes] already running on ${url}; left as it is`);
    return { url, env };
  }
  const starting = startFakes({ port: FAKES_PORT, host: LOOPBACK });
  cleanups.push({
    name: 'fakes',
    run: async () => {
      await (await starting.catch(() => undefined))?.close();
      say(`${'fakes'.padEnd(12)} stopped`);
    },
  });
  const fakes = await starting;
  say(`[fakes] Brevo, Google, Zoom and Google Calendar fakes on ${fakes.url}`);
  return { url: fakes.url, env: fakes.env };
}

async function startDevStripeProxy(upstream: string): Promise<StripeProxy> {
  if (await canConnect(STRIPE_PROXY_PORT, LOOPBACK)) throw new DevProblem(`port ${STRIPE_PROXY_PORT} (the Stripe proxy's port) is already in use`);
  const starting = startStripeProxy({
    upstream,
    port: STRIPE_PROXY_PORT,
    host: LOOPBACK,
    log: (line) => say(line),
    onSettled: (call) =>
      say(`[stripe] ${call.method} ${call.path} → ${call.status ?? 'dropped'}${call.replayed ? ' (idempotent replay)' : ''}${call.idempotencyKey ? `  key ${call.idempotencyKey}` : ''}`),
  });
  cleanups.push({
    name: 'stripe proxy',
    run: async () => {
      await (await starting.catch(() => undefined))?.close();
      say(`${'stripe proxy'.padEnd(12)} stopped`);
    },
  });
  const proxy = await starting;
  say(`[stripe] stateful proxy on ${proxy.url} in front of stripe-mock ${upstream}`);
  return proxy;
}

main().catch((error: unknown) => {
  const problem = error instanceof DevProblem ? error.message : ((error as Error).stack ?? String(error));
  void stop(1, `\n${problem}`);
});
