import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson } from '../support/http.js';
import { startTestApi, type RunningApi } from '../support/harness.js';

let api: RunningApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('errors as application/problem+json', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const response = await fetch(`${api.baseUrl}/api/no-such-thing?x=1`, { headers: { 'X-Request-Id': 'trace-me-123' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await readJson(response)).toEqual({
      type: 'urn:tutorflow:problem:not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No route answers GET /api/no-such-thing',
      instance: '/api/no-such-thing',
      requestId: 'trace-me-123',
    });
  });

  it('answers a malformed JSON body with a 400 problem that says so', async () => {
    const response = await fetch(`${api.baseUrl}/api/health/integrity`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"tutorId": ',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = await readJson(response);
    expect(problem.type).toBe('urn:tutorflow:problem:invalid-input');
    expect(problem.detail).toMatch(/not valid JSON/);
    expect(problem.requestId).toEqual(expect.any(String));
  });

  it('answers a wrong method with 405 and the allowed ones', async () => {
    const response = await fetch(`${api.baseUrl}/health`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('allow')).toContain('GET');
  });

  it('invents a request id when the offered one is unsafe to log', async () => {
    const response = await fetch(`${api.baseUrl}/nowhere`, { headers: { 'X-Request-Id': 'bad id with spaces' } });
    const problem = await readJson(response);
    expect(problem.requestId).not.toBe('bad id with spaces');
    expect(response.headers.get('x-request-id')).toBe(problem.requestId);
  });
});

describe('API description', () => {
  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const response = await fetch(`${api.baseUrl}/openapi.json`);
    const document = await readJson(response);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/api/health/integrity']));
    const integrity = document.paths['/api/health/integrity'].get;
    expect(integrity.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/IntegrityReport' });
    expect(integrity.responses['503']).toBeDefined();
    expect(document.components.schemas.Problem.properties.requestId).toBeDefined();
  });

  it('serves a docs page whose assets load from this server', async () => {
    const page = await fetch(`${api.baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    for (const asset of ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css', '/docs/init.js']) {
      expect(html).toContain(asset);
      const response = await fetch(`${api.baseUrl}${asset}`);
      expect(response.status, asset).toBe(200);
    }
  });
});
