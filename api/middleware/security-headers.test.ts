import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../context.js';
import { problemDetails } from './problem-details.js';
import { requestContext } from './request-context.js';
import { securityHeaders } from './security-headers.js';

/** The middleware order of api/app.ts, with an inner step that fails as unexpectedly as it can. */
let server: http.Server;
let baseUrl: string;
beforeAll(async () => {
  const app = new Koa<AppState>();
  app.silent = true;
  app.use(requestContext(pino({ level: 'silent' })));
  app.use(problemDetails());
  app.use(securityHeaders());
  app.use(() => {
    throw new TypeError('a bug deep inside');
  });
  server = http.createServer(app.callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('security headers', () => {
  it('are on a 500 problem too, whatever failed', async () => {
    const response = await fetch(`${baseUrl}/api/anything`);
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});
