/**
 * The local fakes of the outside HTTP APIs our SDKs call (Brevo, Google; Zoom and Google Calendar
 * join the same way): one loopback HTTP server, each service under its own path prefix, matching the
 * default *_API_BASE settings (http://127.0.0.1:4510/brevo/v3, …/google, …/zoom/v2, …/zoom/oauth).
 * Tests start it in-process on port 0; `scripts/fakes/cli.ts` runs it for development.
 *
 * To fake another service: a file beside these exporting a FakeService, and one line in
 * createServices below.
 */
import { once } from 'node:events';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBrevoFake, type BrevoFake } from './brevo.js';
import { createGoogleFake, type GoogleFake } from './google.js';
import { createGoogleCalendarFake, type GoogleCalendarFake } from './google-calendar.js';
import { createZoomFake, type ZoomFake } from './zoom.js';
import { FakeRouter, type FakeService, sendEmpty, sendJson } from './router.js';

export type { RecordedEmail } from './brevo.js';
export type { GoogleIdentity } from './google.js';

export interface StartFakesOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export interface RunningFakes {
  url: string;
  port: number;
  brevo: BrevoFake;
  google: GoogleFake;
  googleCalendar: GoogleCalendarFake;
  zoom: ZoomFake;
  /** The settings that point the app at these fakes. */
  env: Record<string, string>;
  /** Forgets every recorded message and queued identity. */
  reset(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

function createServices() {
  // A refresh token revoked at Google's /revoke no longer works for Calendar either.
  const google = createGoogleFake({ onRevoke: (refreshToken) => googleCalendar.revoke(refreshToken) });
  // Both answer POST /google/token: the calendar fake comes first (the first route added wins), takes
  // refresh-token grants and hands every other grant to the sign-in fake.
  const signInToken = google.routes.find((route) => route.method === 'POST' && route.path === '/google/token')!.handler;
  const googleCalendar = createGoogleCalendarFake({ otherGrants: signInToken });
  return { brevo: createBrevoFake(), googleCalendar, google, zoom: createZoomFake() };
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  const type = request.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(text) as unknown;
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  return text;
}

export async function startFakes(options: StartFakesOptions = {}): Promise<RunningFakes> {
  const services = createServices();
  const router = new FakeRouter();
  for (const service of Object.values(services) as FakeService[]) for (const route of service.routes) router.add(route);
  router.add({ method: 'GET', path: '/_fake/health', handler: (_request, response) => sendJson(response, 200, { status: 'ok', services: Object.keys(services) }) });
  router.add({
    method: 'POST',
    path: '/_fake/reset',
    handler: (_request, response) => {
      for (const service of Object.values(services) as FakeService[]) service.reset();
      sendEmpty(response, 204);
    },
  });

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const found = router.match(request.method ?? 'GET', url.pathname);
    if (found === undefined) return sendJson(response, 404, { error: `the fakes do not serve ${request.method} ${url.pathname}` });
    if (found === 'wrong-method') return sendJson(response, 405, { error: `${request.method} is not faked for ${url.pathname}` });
    readBody(request)
      .then((body) =>
        found.handler({ method: request.method!, path: url.pathname, params: found.params, query: url.searchParams, headers: request.headers, body }, response),
      )
      .catch((error: unknown) => {
        if (response.headersSent) return response.destroy();
        const status = (error as { status?: number }).status ?? (error instanceof SyntaxError ? 400 : 500);
        sendJson(response, status, { error: (error as Error).message });
      });
  });
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address}:${port}`;

  return {
    url,
    port,
    ...services,
    env: {
      BREVO_API_BASE: `${url}/brevo/v3`,
      GOOGLE_API_BASE: `${url}/google`,
      ZOOM_API_BASE: `${url}/zoom/v2`,
      ZOOM_OAUTH_BASE: `${url}/zoom/oauth`,
    },
    reset() {
      for (const service of Object.values(services) as FakeService[]) service.reset();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
