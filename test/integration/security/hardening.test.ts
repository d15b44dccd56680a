/**
 * What a probe of the running API found (issue 9), each a regression test: error answers without
 * security headers, routes reachable under other spellings, malformed input that became a 500,
 * methods and URLs answered outside problem+json.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { callApi, type ApiCall, type Json } from '../../support/http.js';

let api: RunningApi;
let student: TestUser;
let tutor: TestUser;
let admin: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  const { db } = api.container.resources;
  [student, tutor, admin] = await Promise.all([
    createTestUser(db, api.config, 'student'),
    createTestUser(db, api.config, 'tutor'),
    createTestUser(db, api.config, 'admin'),
  ]);
});
afterAll(() => api?.close());

interface Answer {
  status: number;
  headers: Headers;
  body: Json;
}

const call = (method: string, path: string, options: ApiCall = {}): Promise<Answer> => callApi(api.baseUrl, method, path, options);

function expectProblem(answer: Answer, status: number): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(answer.body.status).toBe(status);
}

const cursorOf = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

describe('security headers', () => {
  it('are on every answer, errors included', async () => {
    const answers = await Promise.all([
      call('GET', '/health'),
      call('POST', '/api/auth/login', { body: '{"email": ' }),
      call('GET', '/api/me'),
      call('GET', '/api/admin/audit-log', { user: student }),
      call('GET', '/api/nothing-here'),
      call('DELETE', '/health'),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 400, 401, 403, 404, 405]);
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options'), String(answer.status)).toBe('nosniff');
      expect(answer.headers.get('x-frame-options'), String(answer.status)).toBe('DENY');
      expect(answer.headers.get('referrer-policy'), String(answer.status)).toBe('no-referrer');
      expect(answer.headers.get('content-security-policy'), String(answer.status)).toContain("frame-ancestors 'none'");
    }
  });
});

describe('one spelling per route', () => {
  it('answers 404 to another case or a trailing slash', async () => {
    for (const path of ['/API/me', '/api/ME', '/api/me/', '/Health', '/health/']) {
      expectProblem(await call('GET', path, { user: student }), 404);
    }
    expectProblem(await call('POST', '/API/auth/login', { body: { email: 'a@example.test', password: 'x' } }), 404);
  });

  it('sends /docs/ on to /docs', async () => {
    const response = await fetch(`${api.baseUrl}/docs/`, { redirect: 'manual' });
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('/docs');
  });
});

describe('methods and sizes outside the routes', () => {
  it('answers TRACE and QUERY with 405 problem+json and the allowed methods', async () => {
    for (const method of ['TRACE', 'QUERY']) {
      const answer = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const request = http.request(`${api.baseUrl}/health`, { method }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
        });
        request.on('error', reject);
        request.end();
      });
      expect(answer.status, method).toBe(405);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.headers.allow).toContain('GET');
      expect(JSON.parse(answer.body).status).toBe(405);
    }
  });

  it('answers a 16 KiB URL with a 431 problem', async () => {
    const answer = await call('GET', `/api/tutors?q=${'a'.repeat(17 * 1024)}`);
    expectProblem(answer, 431);
    const document = (await call('GET', '/openapi.json')).body;
    expect(document.paths['/api/tutors'].get.responses['431'].content['application/problem+json']).toBeDefined();
  });

  it('serves each docs asset with the content type its OpenAPI entry names', async () => {
    const document = (await call('GET', '/openapi.json')).body;
    const documented = Object.keys(document.paths['/docs/assets/{file}'].get.responses['200'].content);
    for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png']) {
      const response = await fetch(`${api.baseUrl}/docs/assets/${file}`);
      expect(response.status).toBe(200);
      expect(documented).toContain(response.headers.get('content-type')!.split(';')[0]);
    }
  });
});

describe('malformed input is a 4xx problem, never a 500', () => {
  it('refuses a body that does not decode as its Content-Encoding with 415', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const answer = await call('POST', '/api/auth/login', { body: 'definitely not compressed', headers: { 'Content-Encoding': encoding, 'Content-Type': 'application/json' } });
      expectProblem(answer, 415);
    }
    const compressed = gzipSync(JSON.stringify({ email: 'nobody@example.test', password: 'a wrong password' }));
    const valid = await call('POST', '/api/auth/login', { body: compressed, headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' } });
    expectProblem(valid, 401);
  });

  it('refuses NUL in any string, before it reaches PostgreSQL', async () => {
    const cases: [string, string, TestUser | undefined, unknown, string][] = [
      ['POST', '/api/auth/login', undefined, { email: 'a\u0000@example.test', password: 'whatever it is' }, 'body.email'],
      ['POST', '/api/auth/register', undefined, { email: 'n@example.test', password: 'long enough pass', displayName: 'Nu\u0000l', timeZone: 'UTC' }, 'body.displayName'],
      ['PUT', '/api/me/tutor-profile', tutor, { headline: 'Maths\u0000', bio: 'b', subjects: ['math'], hourlyRateMinor: 5000, currency: 'USD', timeZone: 'UTC' }, 'body.headline'],
      ['PATCH', '/api/me/tutor-profile', tutor, { subjects: ['math\u0000'] }, 'body.subjects.0'],
      ['POST', `/api/admin/verification-documents/${randomUUID()}/reject`, admin, { reason: 'blurry\u0000' }, 'body.reason'],
      ['GET', `/api/tutors?q=${encodeURIComponent('a\u0000b')}`, undefined, undefined, 'query.q'],
    ];
    for (const [method, path, user, body, field] of cases) {
      const answer = await call(method, path, { ...(user ? { user } : {}), ...(body !== undefined ? { body } : {}) });
      expectProblem(answer, 400);
      expect(answer.body.errors.map((issue: { path: string }) => issue.path), path).toContain(field);
    }
  });

  it('refuses booking-list and audit-log cursors that are not the API’s own', async () => {
    const bookingCursors = [
      cursorOf(['2026-12-01T00:00:00.000Z', '12345']),
      cursorOf(['0000-01-01T00:00:00.000Z', randomUUID()]),
      cursorOf(['9999-12-31T23:59:59.999Z', randomUUID()]),
      'not-base64-json',
    ];
    for (const cursor of bookingCursors) expectProblem(await call('GET', `/api/bookings?cursor=${cursor}`, { user: student }), 400);
    const auditCursors = [cursorOf(['2026-12-01T00:00:00.000Z', '99999999999999999999']), cursorOf(['2026-12-01T00:00:00.000Z', '9223372036854775808']), cursorOf(['2026-12-01T00:00:00.000Z', 'abc'])];
    for (const cursor of auditCursors) expectProblem(await call('GET', `/api/admin/audit-log?cursor=${cursor}`, { user: admin }), 400);
    expect((await call('GET', `/api/admin/audit-log?cursor=${cursorOf(['2026-12-01T00:00:00.000Z', '42'])}`, { user: admin })).status).toBe(200);
  });

  it('refuses dates far outside the calendar', async () => {
    expectProblem(await call('GET', `/api/tutors/${tutor.id}/slots?from=9999-12-30&to=9999-12-31`), 400);
    expectProblem(await call('GET', `/api/tutors/${tutor.id}/slots?from=0000-01-01&to=0000-01-02`), 400);
    for (const start of ['9999-12-31T23:30:00Z', '0000-01-01T00:00:00Z']) {
      const answer = await call('POST', '/api/bookings', {
        user: student,
        headers: { 'Idempotency-Key': randomUUID() },
        body: { tutorId: tutor.id, start, lengthMinutes: 60, paymentMethodId: 'pm_card_visa' },
      });
      expectProblem(answer, 400);
      expect(answer.body.errors.map((issue: { path: string }) => issue.path)).toContain('body.start');
    }
  });

  it('refuses unknown fields in booking action bodies', async () => {
    const id = randomUUID();
    for (const [path, user, body] of [
      [`/api/bookings/${id}/cancel`, student, { reason: 'ill', refundEverything: true }],
      [`/api/admin/bookings/${id}/refunds`, admin, { amountMinor: 100, reason: 'goodwill', currency: 'EUR' }],
      ['/api/bookings', student, { tutorId: tutor.id, start: '2030-01-01T10:00:00Z', lengthMinutes: 60, paymentMethodId: 'pm_card_visa', priceMinor: 1 }],
    ] as const) {
      const answer = await call('POST', path, { user, body, headers: { 'Idempotency-Key': randomUUID() } });
      expectProblem(answer, 400);
      expect(JSON.stringify(answer.body.errors), path).toMatch(/Unrecognized key/);
    }
  });
});
