/**
 * The whole product for browser tests: the booking stack (real API services, a real booking worker
 * on the test Temporal server, Stripe behind the recording proxy, the local fakes), the demo data,
 * and one HTTP server that serves the freshly built web app, the API and the WebSocket on one
 * origin, as the API does in production.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { build } from 'vite';
import { buildApp } from '../../../api/app.js';
import { stripeFakeDefines } from '../../../web/vite.config.js';
import { createStripeClient } from '../../../integrations/stripe.js';
import { attachRealtime } from '../../../server/attach-realtime.js';
import { seedDemo, type DemoSeedResult } from '../../../scripts/demo-data/demo.js';
import { LOOPBACK } from '../../../scripts/stack/profiles.js';
import { freePort } from '../../../scripts/stack/util/free-port.js';
import { type BookingStack } from '../../support/booking-stack.js';
import { startSeriesStack } from '../../integration/series/series-stack.js';
import { REPO_ROOT } from '../../support/paths.js';

export interface E2eStack {
  /** The web app, the API and /ws, all on this origin. */
  baseUrl: string;
  booking: BookingStack;
  seed: DemoSeedResult;
  close(): Promise<void>;
}

/** Builds the web app into a folder of its own (a developer's web/dist is left alone). */
async function buildWebApp(stripeFakeUrl: string): Promise<string> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'tutorflow-web-'));
  await build({
    configFile: path.join(REPO_ROOT, 'web/vite.config.ts'),
    build: { outDir, emptyOutDir: true, sourcemap: false },
    // The stack's Stripe is the fake: offer Stripe's test cards, and send 3-D Secure and card
    // saving to the fake's hosted pages, as `npm run dev` does.
    define: { ...stripeFakeDefines(stripeFakeUrl), 'import.meta.env.VITE_STRIPE_TEST_CARDS': JSON.stringify('true') },
    logLevel: 'warn',
  });
  return outDir;
}

/** `overrides`: more environment for the stack, e.g. TEMPORAL_ADDRESS of a time-skipping server. */
export async function startE2eStack(overrides: Record<string, string> = {}): Promise<E2eStack> {
  const port = await freePort();
  const baseUrl = `http://${LOOPBACK}:${port}`;
  // The page's origin is this server: the WebSocket upgrade checks it.
  // The booking stack with a worker that runs the series activities too, as workers/booking-worker.ts does.
  const booking = await startSeriesStack({
      CORS_ORIGINS: baseUrl,
      PUBLIC_BASE_URL: baseUrl,
      FRONTEND_BASE_URL: baseUrl,
      GOOGLE_REDIRECT_URI: `${baseUrl}/auth/google/callback`,
      // Short-lived access tokens: the pages refresh theirs (a minute before expiry, so every 40 s),
      // and their WebSockets are closed at expiry (4001) and reconnect, during the journeys. Not
      // shorter: a page reloaded while its refresh is in flight loses the rotated token and is
      // signed out (README "Web app", known limit), and each refresh is a window for that.
      ACCESS_TOKEN_TTL: '100s',
      ...overrides,
  });
  const config = booking.api.config;
  // Stripe's webhooks (after 3-D Secure in the fake's hosted page) reach the API, signed, as Stripe's do.
  booking.stripe.setWebhookEndpoint({ url: `${booking.api.baseUrl}/api/webhooks/stripe`, secret: config.stripe.webhookSecret });
  const webAssets = await buildWebApp(booking.stripe.url);
  const logger = pino({ level: 'silent' });
  const seed = await seedDemo({ config, db: booking.api.container.resources.db, stripe: createStripeClient(config.stripe), logger });

  const server = http.createServer(buildApp({ ...booking.api.container.app, webAssets }).callback());
  const realtime = await attachRealtime(server, booking.api.container, logger);
  server.listen(port, LOOPBACK);
  await once(server, 'listening');
  return {
    baseUrl,
    booking,
    seed,
    async close() {
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await booking.close();
      await rm(webAssets, { recursive: true, force: true });
    },
  };
}
