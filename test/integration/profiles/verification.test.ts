import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { callApi, type Json } from '../../support/http.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { PDF_BYTES, PNG_BYTES, uploadReadyFile } from '../files/upload-helpers.js';

let api: RunningApi;
let admin: TestUser;
let student: TestUser;
let otherTutor: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  const { db } = api.container.resources;
  [admin, student, otherTutor] = await Promise.all([
    createTestUser(db, api.config, 'admin'),
    createTestUser(db, api.config, 'student'),
    createTestUser(db, api.config, 'tutor'),
  ]);
});
afterAll(() => api.close());

const send = (method: string, path: string, user: TestUser | undefined, body?: unknown) => callApi(api.baseUrl, method, path, { user, body });

async function tutorWithProfile(): Promise<TestUser> {
  const tutor = await createTestUser(api.container.resources.db, api.config, 'tutor');
  const saved = await send('PUT', '/api/me/tutor-profile', tutor, { hourlyRateMinor: 4000, currency: 'USD', timeZone: 'UTC' });
  expect(saved.status).toBe(200);
  return tutor;
}

const uploadDocument = (tutor: TestUser) => uploadReadyFile(api, tutor, { purpose: 'verification_document', contentType: 'application/pdf', bytes: PDF_BYTES, filename: 'passport.pdf' });
const verificationStatus = async (tutor: TestUser) => (await send('GET', '/api/me/tutor-profile', tutor)).body.verificationStatus;

describe('submitting verification documents', () => {
  it('records the document and makes the tutor pending', async () => {
    const tutor = await tutorWithProfile();
    expect(await verificationStatus(tutor)).toBe('unverified');
    const fileId = await uploadDocument(tutor);

    const submitted = await send('POST', '/api/me/verification-documents', tutor, { fileId, kind: 'identity' });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ tutorId: tutor.id, fileId, kind: 'identity', status: 'pending', decidedAt: null, decidedBy: null });
    expect(await verificationStatus(tutor)).toBe('pending');

    const mine = await send('GET', '/api/me/verification-documents', tutor);
    expect(mine.body.items.map((document: Json) => document.id)).toEqual([submitted.body.id]);
    expect((await send('POST', '/api/me/verification-documents', tutor, { fileId, kind: 'identity' })).status).toBe(409);
  });

  it("keeps a document private to its tutor and admins", async () => {
    const tutor = await tutorWithProfile();
    const fileId = await uploadDocument(tutor);
    await send('POST', '/api/me/verification-documents', tutor, { fileId, kind: 'qualification' });

    expect((await send('GET', `/api/files/${fileId}/download`, tutor)).status).toBe(200);
    expect((await send('GET', `/api/files/${fileId}/download`, admin)).status).toBe(200);
    expect((await send('GET', `/api/files/${fileId}/download`, otherTutor)).status).toBe(404);
    expect((await send('GET', `/api/files/${fileId}/download`, student)).status).toBe(404);
    expect((await send('GET', `/api/files/${fileId}/download`, undefined)).status).toBe(401);

    // Nobody else can claim it as their own document, nor see it in their list.
    const other = await tutorWithProfile();
    expect((await send('POST', '/api/me/verification-documents', other, { fileId, kind: 'identity' })).status).toBe(404);
    expect((await send('GET', '/api/me/verification-documents', other)).body.items).toEqual([]);
  });

  it('refuses files of another purpose or not confirmed, students, and tutors without a profile', async () => {
    const tutor = await tutorWithProfile();
    const avatar = await uploadReadyFile(api, tutor, { purpose: 'avatar', contentType: 'image/png', bytes: PNG_BYTES });
    expect((await send('POST', '/api/me/verification-documents', tutor, { fileId: avatar, kind: 'identity' })).status).toBe(422);
    expect((await send('POST', '/api/me/verification-documents', tutor, { fileId: avatar, kind: 'passport' })).status).toBe(400);

    const pending = await send('POST', '/api/files', tutor, { purpose: 'verification_document', contentType: 'application/pdf', size: 100, filename: 'x.pdf' });
    expect((await send('POST', '/api/me/verification-documents', tutor, { fileId: pending.body.file.id, kind: 'identity' })).status).toBe(409);

    const newcomer = await createTestUser(api.container.resources.db, api.config, 'tutor');
    const newcomerFile = await uploadDocument(newcomer);
    expect((await send('POST', '/api/me/verification-documents', newcomer, { fileId: newcomerFile, kind: 'identity' })).status).toBe(409);

    expect((await send('GET', '/api/me/verification-documents', student)).status).toBe(403);
    expect(await api.container.resources.db('verification_documents').whereIn('file_id', [avatar, newcomerFile])).toEqual([]);
  });
});

describe('reviewing verification documents', () => {
  it('is for admins only', async () => {
    for (const user of [student, otherTutor]) {
      expect((await send('GET', '/api/admin/verification-documents?status=pending', user)).status).toBe(403);
      expect((await send('POST', `/api/admin/verification-documents/${crypto.randomUUID()}/approve`, user)).status).toBe(403);
    }
    expect((await send('GET', '/api/admin/verification-documents', undefined)).status).toBe(401);
  });

  it('lists pending documents, oldest first, with the tutor', async () => {
    const tutor = await tutorWithProfile();
    const first = await send('POST', '/api/me/verification-documents', tutor, { fileId: await uploadDocument(tutor), kind: 'identity' });
    const second = await send('POST', '/api/me/verification-documents', tutor, { fileId: await uploadDocument(tutor), kind: 'qualification' });
    const queue = await send('GET', '/api/admin/verification-documents?status=pending&limit=200', admin);
    expect(queue.status).toBe(200);
    const ids = queue.body.items.map((document: Json) => document.id);
    expect(ids.indexOf(first.body.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(first.body.id)).toBeLessThan(ids.indexOf(second.body.id));
    expect(queue.body.items.find((document: Json) => document.id === first.body.id).tutorDisplayName).toBe(tutor.displayName);
    expect(queue.body.items.every((document: Json) => document.status === 'pending')).toBe(true);
  });

  it("rejects with a reason, recording the admin and time, and the tutor's status follows", async () => {
    const tutor = await tutorWithProfile();
    const document = (await send('POST', '/api/me/verification-documents', tutor, { fileId: await uploadDocument(tutor), kind: 'identity' })).body;

    expect((await send('POST', `/api/admin/verification-documents/${document.id}/reject`, admin, {})).status).toBe(400);
    const before = Date.now();
    const rejected = await send('POST', `/api/admin/verification-documents/${document.id}/reject`, admin, { reason: 'The scan is unreadable' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decisionReason: 'The scan is unreadable', decidedBy: admin.id });
    expect(new Date(rejected.body.decidedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await verificationStatus(tutor)).toBe('rejected');

    const row = await api.container.resources.db('verification_documents').where({ id: document.id }).first();
    expect(row).toMatchObject({ status: 'rejected', decided_by: admin.id });
    expect((await send('POST', `/api/admin/verification-documents/${document.id}/approve`, admin)).status).toBe(409);
    const mine = await send('GET', '/api/me/verification-documents', tutor);
    expect(mine.body.items[0]).toMatchObject({ status: 'rejected', decisionReason: 'The scan is unreadable' });
  });

  it('verifies the tutor once no document waits for review', async () => {
    const tutor = await tutorWithProfile();
    const identity = (await send('POST', '/api/me/verification-documents', tutor, { fileId: await uploadDocument(tutor), kind: 'identity' })).body;
    const diploma = (await send('POST', '/api/me/verification-documents', tutor, { fileId: await uploadDocument(tutor), kind: 'qualification' })).body;

    expect((await send('POST', `/api/admin/verification-documents/${identity.id}/approve`, admin)).body.status).toBe('approved');
    expect(await verificationStatus(tutor)).toBe('pending');
    expect((await send('POST', `/api/admin/verification-documents/${diploma.id}/approve`, admin)).status).toBe(200);
    expect(await verificationStatus(tutor)).toBe('verified');
  });

  it('answers 404 for a document that does not exist', async () => {
    expect((await send('POST', `/api/admin/verification-documents/${crypto.randomUUID()}/approve`, admin)).status).toBe(404);
  });
});
