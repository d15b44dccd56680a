/**
 * The API's entry point (server/api.ts) as production starts it, with /metrics on its private
 * listener and traces exported by OTLP/HTTP to a collector (here a small recording server): the
 * public port does not serve /metrics, the metrics port does, and the request's span reaches the
 * collector by the time the process has stopped on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackEnv } from '../../../scripts/stack/env.js';
import { freePort } from '../../../scripts/stack/util/free-port.js';
import { eventually } from '../../support/booking-stack.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { REPO_ROOT } from '../../support/paths.js';

let database: TestDatabase;
let api: ChildProcess | undefined;
let output = '';
let apiUrl: string;
let metricsUrl: string;
const exported: { path: string; contentType: string; body: string }[] = [];
let collector: http.Server;

beforeAll(async () => {
  collector = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      exported.push({ path: request.url ?? '', contentType: String(request.headers['content-type']), body });
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
  database = await createTestDatabase();
  const [port, metricsPort] = [await freePort(), await freePort()];
  apiUrl = `http://127.0.0.1:${port}`;
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  api = spawn(process.execPath, ['--import', 'tsx', 'server/api.ts'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...stackEnv('test'),
      DATABASE_URL: database.url,
      ENVIRONMENT: 'development',
      LOG_LEVEL: 'info',
      PORT: String(port),
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: String(metricsPort),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  api.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  api.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(async () => output, (text) => text.includes('metrics listening') || api!.exitCode !== null, 60_000);
  if (api.exitCode !== null) throw new Error(`the API exited at start:\n${output}`);
}, 120_000);
afterAll(async () => {
  if (api && api.exitCode === null) api.kill('SIGKILL');
  await new Promise<void>((resolve) => collector?.close(() => resolve()));
  await database?.drop();
});

describe('the API process', () => {
  it('serves /metrics on its private listener only, counting requests by route template', async () => {
    expect((await fetch(`${apiUrl}/health`)).status).toBe(200);
    expect((await fetch(`${apiUrl}/metrics`)).status).toBe(404);
    const metrics = await fetch(metricsUrl);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toMatch(/tutorflow_http_requests_total\{method="GET",route="\/health",status="200"\} 1/);
    expect(text).toMatch(/tutorflow_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).toContain('# TYPE tutorflow_bookings gauge');
  });

  it('exports its spans by OTLP, flushed at a clean SIGTERM stop', async () => {
    api!.kill('SIGTERM');
    const [code] = await once(api!, 'exit');
    expect(code, output.slice(-2000)).toBe(0);
    const traces = exported.filter((request) => request.path === '/v1/traces');
    expect(traces.length, output.slice(-2000)).toBeGreaterThan(0);
    const all = traces.map((request) => request.body).join('\n');
    expect(all).toContain('tutorflow-api');
    expect(all).toContain('GET /health');
  });
});
