/**
 * The API serving the built web app (api/web-assets.ts): files and the app's own routes at every
 * GET outside the API's paths, which keep answering as the API.
 */
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../api/app.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';

let api: RunningApi;
let dir: string;
let server: http.Server;
let base: string;

beforeAll(async () => {
  api = await startTestApi();
  dir = await mkdtemp(path.join(tmpdir(), 'tutorflow-web-test-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Tutorflow</title><div id="root"></div>');
  await writeFile(path.join(dir, 'assets/app-1a2b.js'), 'console.log("app")');
  await writeFile(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  server = http.createServer(buildApp({ ...api.container.app, webAssets: dir }).callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the built web app, served by the API', () => {
  it('answers the app and its own routes with index.html, never cached, under a same-origin CSP', async () => {
    for (const url of ['/', '/tutors', '/bookings/0b5e4c7e-0000-4000-8000-000000000000', '/payouts/onboarding/return?x=1']) {
      const response = await fetch(`${base}${url}`);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await response.text()).toContain('<div id="root">');
    }
  });

  it('lets the page PUT uploads to object storage (that one origin, from config) and run Stripe.js, nothing else', async () => {
    const csp = (await fetch(`${base}/profile`)).headers.get('content-security-policy')!;
    const directive = (name: string) => csp.split('; ').find((part) => part.startsWith(`${name} `))!.split(' ').slice(1);
    const storage = new URL(api.config.storage.publicEndpoint ?? api.config.storage.endpoint).origin;
    expect(directive('connect-src')).toEqual(["'self'", expect.stringMatching(/^ws:\/\//), expect.stringMatching(/^wss:\/\//), storage, 'https://api.stripe.com']);
    expect(directive('script-src')).toEqual(["'self'", 'https://js.stripe.com']);
    expect(csp).not.toContain('*');
  });

  it('serves files, hashed assets cached for good', async () => {
    const script = await fetch(`${base}/assets/app-1a2b.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect(await script.text()).toBe('console.log("app")');
    expect((await fetch(`${base}/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('leaves the API paths to the API and serves nothing outside its folder', async () => {
    const missing = await fetch(`${base}/api/no-such-thing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await fetch(`${base}/openapi.json`)).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const escape = await fetch(`${base}/..%2f..%2fpackage.json`);
    expect(await escape.text()).not.toContain('"dependencies"');
    expect((await fetch(`${base}/`, { method: 'POST' })).status).not.toBe(200);
  });
});
