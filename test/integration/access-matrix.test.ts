/**
 * Who may call what, for every route the API declares (so a new route is covered the day it is
 * added): no token is 401 on anything that is not public, an admin route is 403 to students and
 * tutors, and a route that names an object answers 404 to a user of the owner's role who is not a
 * party to it (BOLA). The objects are the fuzzer's fixtures; a new route with a path parameter and
 * no fixture fails here until it gets one.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectRoutes } from '../../api/app.js';
import type { RouteSpec } from '../../api/routing.js';
import { createTestUser, type TestUser } from '../support/fixtures.js';
import { startTestApi, type RunningApi } from '../support/harness.js';
import { readJson } from '../support/http.js';
import { fuzzRoles } from './security/fuzz-fixtures.js';
import type { FuzzRole } from '../../scripts/fuzz/schemathesis.js';

let api: RunningApi;
let routes: RouteSpec[];
let student: TestUser;
let tutor: TestUser;
let owners: FuzzRole[];
let outsiders: Record<string, TestUser>;

beforeAll(async () => {
  api = await startTestApi();
  routes = collectRoutes(api.container.app);
  const { db } = api.container.resources;
  [student, tutor] = await Promise.all([createTestUser(db, api.config, 'student'), createTestUser(db, api.config, 'tutor')]);
  const [admin, otherStudent, otherTutor] = await Promise.all([
    createTestUser(db, api.config, 'admin'),
    createTestUser(db, api.config, 'student'),
    createTestUser(db, api.config, 'tutor'),
  ]);
  // student and tutor own the objects (a booking between them, files, a conversation, …).
  owners = (await fuzzRoles(api.baseUrl, db, { student, tutor, admin })).filter((role) => role.name !== 'admin');
  outsiders = { student: otherStudent, tutor: otherTutor };
});
afterAll(() => api?.close());

const concretePath = (path: string) => path.replace(/:[A-Za-z0-9_]+/g, randomUUID());

/** Valid bodies for the object routes that require one, so the BOLA check gets past validation. */
const VALID_BODIES: Record<string, unknown> = {
  cancelBooking: { reason: 'Something came up' },
  proposeReschedule: { start: new Date(Date.now() + 21 * 86_400_000).toISOString(), lengthMinutes: 60 },
  answerReschedule: { accept: true },
  reportLessonProblem: { reason: 'poor_quality', text: 'The lesson was not as booked' },
  createReview: { rating: 5, text: 'Great lesson' },
  updateReview: { rating: 4, text: 'Good lesson' },
  replyToReview: { text: 'Thank you' },
  skipSeriesWeek: { week: 1 },
  cancelSeries: { reason: 'Exams' },
  reportReview: { reason: 'Names my phone number' },
};

async function callAs(route: RouteSpec, user: TestUser | undefined, path = concretePath(route.path)) {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method: route.method.toUpperCase(),
    headers: { ...(user?.auth ?? {}), 'Content-Type': 'application/json' },
    ...(route.method === 'get' || route.method === 'delete' ? {} : { body: JSON.stringify(VALID_BODIES[route.operationId] ?? {}) }),
  });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await readJson(response).catch(() => undefined) };
}

describe('access to every declared route', () => {
  it('declares routes of all three kinds', () => {
    const kinds = new Set(routes.map((route) => route.access));
    expect(kinds).toEqual(new Set(['public', 'user', 'admin']));
    expect(routes.filter((route) => route.access !== 'public').length).toBeGreaterThan(40);
  });

  it('answers 401 problem+json without a token on every route that is not public', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((candidate) => candidate.access !== 'public')) {
      const answer = await callAs(route, undefined);
      if (answer.status !== 401 || !answer.contentType.includes('application/problem+json')) wrong.push(`${route.method.toUpperCase()} ${route.path} → ${answer.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('answers 403 to students and tutors on every admin route', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((candidate) => candidate.access === 'admin')) {
      for (const user of [student, tutor]) {
        const answer = await callAs(route, user);
        if (answer.status !== 403) wrong.push(`${route.method.toUpperCase()} ${route.path} as ${user.role} → ${answer.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("answers 404 on every user route that names an object to a user who is no party to it", async () => {
    const wrong: string[] = [];
    const objectRoutes = routes.filter((route) => route.access === 'user' && route.path.includes(':'));
    expect(objectRoutes.length).toBeGreaterThan(10);
    for (const route of objectRoutes) {
      const owner = owners.find((candidate) => candidate.parameters?.[route.operationId]);
      if (!owner) {
        wrong.push(`${route.method.toUpperCase()} ${route.path}: no fixture object; add one in test/integration/security/fuzz-fixtures.ts`);
        continue;
      }
      const id = owner.parameters![route.operationId]!['path.id']!;
      const answer = await callAs(route, outsiders[owner.name], route.path.replace(':id', id));
      if (answer.status !== 404 || !answer.contentType.includes('application/problem+json')) {
        wrong.push(`${route.method.toUpperCase()} ${route.path} on ${owner.name}'s object as another ${owner.name} → ${answer.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers every declared route in the OpenAPI document, with its errors', async () => {
    const document = await readJson(await fetch(`${api.baseUrl}/openapi.json`));
    const missing = routes
      .filter((route) => !document.paths[route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[route.method])
      .map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
    for (const route of routes.filter((candidate) => candidate.access !== 'public')) {
      const operation = document.paths[route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')][route.method];
      expect(operation.responses['401'], `${route.method} ${route.path}`).toBeDefined();
      expect(operation.responses['403'], `${route.method} ${route.path}`).toBeDefined();
    }
  });
});
