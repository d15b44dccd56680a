/**
 * Who may call each profile, file, verification and payment route: the owner of the resource,
 * another student, another tutor, an admin, and nobody (no token). Someone else's resource is a
 * 404, a role that may never do it a 403, no token a 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { PDF_BYTES, PNG_BYTES, requestUpload, uploadReadyFile } from '../files/upload-helpers.js';

type Actor = 'owner' | 'otherStudent' | 'otherTutor' | 'admin' | 'nobody';

interface Row {
  name: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  /** Whose resource it is (the caller, for /api/me routes). */
  owner: () => TestUser;
  expected: Record<Actor, number>;
}

let api: RunningApi;
let tutor: TestUser;
let student: TestUser;
let otherStudent: TestUser;
let otherTutor: TestUser;
let admin: TestUser;
const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi();
  const { db } = api.container.resources;
  [tutor, student, otherStudent, otherTutor, admin] = await Promise.all([
    createTestUser(db, api.config, 'tutor'),
    createTestUser(db, api.config, 'student'),
    createTestUser(db, api.config, 'student'),
    createTestUser(db, api.config, 'tutor'),
    createTestUser(db, api.config, 'admin'),
  ]);
  const profile = await fetch(`${api.baseUrl}/api/me/tutor-profile`, {
    method: 'PUT',
    headers: { ...tutor.auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ hourlyRateMinor: 4000, currency: 'USD', timeZone: 'UTC' }),
  });
  expect(profile.status).toBe(200);
  ids.document = await uploadReadyFile(api, tutor, { purpose: 'verification_document', contentType: 'application/pdf', bytes: PDF_BYTES });
  ids.secondDocument = await uploadReadyFile(api, tutor, { purpose: 'verification_document', contentType: 'application/pdf', bytes: PDF_BYTES });
  ids.avatar = await uploadReadyFile(api, tutor, { purpose: 'avatar', contentType: 'image/png', bytes: PNG_BYTES });
  ids.attachment = await uploadReadyFile(api, student, { purpose: 'message_attachment', contentType: 'application/pdf', bytes: PDF_BYTES });
  ids.pending = (await requestUpload(api, tutor, { purpose: 'avatar', contentType: 'image/png', bytes: PNG_BYTES })).body.file.id;
  const submit = async (fileId: string) => {
    const submitted = await fetch(`${api.baseUrl}/api/me/verification-documents`, {
      method: 'POST',
      headers: { ...tutor.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ fileId, kind: 'identity' }),
    });
    return ((await submitted.json()) as { id: string }).id;
  };
  ids.toApprove = await submit(ids.document);
  ids.toReject = await submit(await uploadReadyFile(api, tutor, { purpose: 'verification_document', contentType: 'application/pdf', bytes: PDF_BYTES }));
});
afterAll(() => api.close());

const theTutor = () => tutor;
const theStudent = () => student;

const ROWS: Row[] = [
  { name: 'unpublished tutor profile', method: 'GET', path: () => `/api/tutors/${tutor.id}`, owner: theTutor, expected: { owner: 200, otherStudent: 404, otherTutor: 404, admin: 200, nobody: 404 } },
  { name: 'own tutor profile', method: 'GET', path: () => '/api/me/tutor-profile', owner: theTutor, expected: { owner: 200, otherStudent: 403, otherTutor: 404, admin: 403, nobody: 401 } },
  { name: 'change tutor profile', method: 'PATCH', path: () => '/api/me/tutor-profile', body: () => ({ headline: 'Hi' }), owner: theTutor, expected: { owner: 200, otherStudent: 403, otherTutor: 400, admin: 403, nobody: 401 } },
  { name: 'own student profile', method: 'GET', path: () => '/api/me/student-profile', owner: theStudent, expected: { owner: 200, otherStudent: 200, otherTutor: 403, admin: 403, nobody: 401 } },
  { name: 'subjects', method: 'GET', path: () => '/api/subjects', owner: theStudent, expected: { owner: 200, otherStudent: 200, otherTutor: 200, admin: 200, nobody: 200 } },
  { name: 'start an avatar upload', method: 'POST', path: () => '/api/files', body: () => ({ purpose: 'avatar', contentType: 'image/png', size: 10, filename: 'a.png' }), owner: theStudent, expected: { owner: 201, otherStudent: 201, otherTutor: 201, admin: 403, nobody: 401 } },
  { name: 'start a document upload', method: 'POST', path: () => '/api/files', body: () => ({ purpose: 'verification_document', contentType: 'application/pdf', size: 10, filename: 'a.pdf' }), owner: theTutor, expected: { owner: 201, otherStudent: 403, otherTutor: 201, admin: 403, nobody: 401 } },
  { name: 'confirm a pending upload', method: 'POST', path: () => `/api/files/${ids.pending}/confirm`, owner: theTutor, expected: { owner: 409, otherStudent: 404, otherTutor: 404, admin: 404, nobody: 401 } },
  { name: 'download a verification document', method: 'GET', path: () => `/api/files/${ids.document}/download`, owner: theTutor, expected: { owner: 200, otherStudent: 404, otherTutor: 404, admin: 200, nobody: 401 } },
  { name: 'download a message attachment', method: 'GET', path: () => `/api/files/${ids.attachment}/download`, owner: theStudent, expected: { owner: 200, otherStudent: 404, otherTutor: 404, admin: 404, nobody: 401 } },
  { name: 'set avatar', method: 'PUT', path: () => '/api/me/avatar', body: () => ({ fileId: ids.avatar }), owner: theTutor, expected: { owner: 200, otherStudent: 404, otherTutor: 404, admin: 403, nobody: 401 } },
  { name: 'submit a verification document', method: 'POST', path: () => '/api/me/verification-documents', body: () => ({ fileId: ids.secondDocument, kind: 'qualification' }), owner: theTutor, expected: { owner: 201, otherStudent: 403, otherTutor: 404, admin: 403, nobody: 401 } },
  { name: 'list own verification documents', method: 'GET', path: () => '/api/me/verification-documents', owner: theTutor, expected: { owner: 200, otherStudent: 403, otherTutor: 200, admin: 403, nobody: 401 } },
  { name: 'review queue', method: 'GET', path: () => '/api/admin/verification-documents?status=pending', owner: theTutor, expected: { owner: 403, otherStudent: 403, otherTutor: 403, admin: 200, nobody: 401 } },
  { name: 'approve a document', method: 'POST', path: () => `/api/admin/verification-documents/${ids.toApprove}/approve`, owner: theTutor, expected: { owner: 403, otherStudent: 403, otherTutor: 403, admin: 200, nobody: 401 } },
  { name: 'reject a document', method: 'POST', path: () => `/api/admin/verification-documents/${ids.toReject}/reject`, body: () => ({ reason: 'Expired document' }), owner: theTutor, expected: { owner: 403, otherStudent: 403, otherTutor: 403, admin: 200, nobody: 401 } },
  { name: 'payouts onboarding', method: 'POST', path: () => '/api/me/payouts/onboarding', body: () => ({}), owner: theTutor, expected: { owner: 200, otherStudent: 403, otherTutor: 409, admin: 403, nobody: 401 } },
  { name: 'payouts status', method: 'GET', path: () => '/api/me/payouts', owner: theTutor, expected: { owner: 200, otherStudent: 403, otherTutor: 200, admin: 403, nobody: 401 } },
  { name: 'card setup', method: 'POST', path: () => '/api/me/payment-methods/setup-intent', owner: theStudent, expected: { owner: 201, otherStudent: 201, otherTutor: 403, admin: 403, nobody: 401 } },
  { name: 'saved cards', method: 'GET', path: () => '/api/me/payment-methods', owner: theStudent, expected: { owner: 200, otherStudent: 200, otherTutor: 403, admin: 403, nobody: 401 } },
];

function callerFor(actor: Actor, row: Row): TestUser | undefined {
  switch (actor) {
    case 'owner':
      return row.owner();
    case 'otherStudent':
      return otherStudent;
    case 'otherTutor':
      return otherTutor;
    case 'admin':
      return admin;
    case 'nobody':
      return undefined;
  }
}

describe('authorization matrix', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    // Refusals first, so a successful write cannot change what the others see.
    const actors = (Object.keys(row.expected) as Actor[]).sort((a, b) => Number(row.expected[a] < 300) - Number(row.expected[b] < 300));
    const answered: Partial<Record<Actor, number>> = {};
    for (const actor of actors) {
      const caller = callerFor(actor, row);
      const body = row.body?.();
      const response = await fetch(`${api.baseUrl}${row.path()}`, {
        method: row.method,
        headers: { ...(caller?.auth ?? {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      answered[actor] = response.status;
      await response.arrayBuffer();
    }
    expect(answered).toEqual(row.expected);
  });
});

describe('API description', () => {
  it('documents every status these routes answered', async () => {
    const document = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const row of ROWS) {
      const path = new URL(row.path(), 'http://x').pathname.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}');
      const operation = document.paths[path]?.[row.method.toLowerCase()];
      expect(operation, `${row.method} ${path}`).toBeDefined();
      for (const status of new Set(Object.values(row.expected))) {
        expect(Object.keys(operation!.responses), `${row.method} ${path} answers ${status}`).toContain(String(status));
      }
    }
    expect(Object.keys(document.paths['/api/webhooks/stripe']!.post!.responses)).toEqual(expect.arrayContaining(['200', '400', '413']));
  });
});
