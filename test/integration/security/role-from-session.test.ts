/**
 * The role comes from the user's row on every request, not from the access token's claim: an
 * admin demoted while holding a valid token loses the admin routes on the next request, and a
 * token of a deleted account opens nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser } from '../../support/fixtures.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';

let api: RunningApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

describe('role read on each request', () => {
  it('takes a demotion into account while the token is still valid', async () => {
    const { db } = api.container.resources;
    const admin = await createTestUser(db, api.config, 'admin');
    const auditLog = () => fetch(`${api.baseUrl}/api/admin/audit-log`, { headers: admin.auth });
    expect((await auditLog()).status).toBe(200);

    await db('users').where({ id: admin.id }).update({ role: 'student' });
    const demoted = await auditLog();
    expect(demoted.status).toBe(403);
    expect(demoted.headers.get('content-type')).toContain('application/problem+json');
    const me = await fetch(`${api.baseUrl}/api/me`, { headers: admin.auth });
    expect(((await me.json()) as { role: string }).role).toBe('student');
  });

  it('refuses the token of an account that no longer exists', async () => {
    const { db } = api.container.resources;
    const student = await createTestUser(db, api.config, 'student');
    await db('users').where({ id: student.id }).delete();
    expect((await fetch(`${api.baseUrl}/api/me`, { headers: student.auth })).status).toBe(401);
  });
});
