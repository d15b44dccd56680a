/**
 * Who may call what, for every route the API declares (so a new route is covered the day it is
 * added): no token is 401 on anything that is not public, and an admin route is 403 to students and
 * tutors. Per-resource tests check owners, other users (404) and admins on their own routes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectRoutes } from '../../api/app.js';
import type { RouteSpec } from '../../api/routing.js';
import { createTestUser, type TestUser } from '../support/fixtures.js';
import { startTestApi, type RunningApi } from '../support/harness.js';
import { readJson } from '../support/http.js';

let api: RunningApi;
let routes: RouteSpec[];
let student: TestUser;
let tutor: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  routes = collectRoutes(api.container.app);
  const { db } = api.container.resources;
  [student, tutor] = await Promise.all([createTestUser(db, api.config, 'student'), createTestUser(db, api.config, 'tutor')]);
});
afterAll(() => api?.close());

const concretePath = (path: string) => path.replace(/:[A-Za-z0-9_]+/g, randomUUID());

async function callAs(route: RouteSpec, user: TestUser | undefined) {
  const response = await fetch(`${api.baseUrl}${concretePath(route.path)}`, {
    method: route.method.toUpperCase(),
    headers: { ...(user?.auth ?? {}), 'Content-Type': 'application/json' },
    ...(route.method === 'get' || route.method === 'delete' ? {} : { body: '{}' }),
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

  it('answers every declared route in the OpenAPI document, with its errors', async () => {
    const document = await readJson(await fetch(`${api.baseUrl}/openapi.json`));
    const missing = routes
      .filter((route) => !document.paths[route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[route.method])
      .map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
    for (const route of routes.filter((candidate) => candidate.access !== 'public')) {
      const operation = document.paths[route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')][route.method];
      expect(operation.responses['401'], `${route.method} ${route.path}`).toBeDefined();
    }
  });
});
