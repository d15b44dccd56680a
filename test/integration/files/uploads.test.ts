import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { readJson, type Json } from '../../support/http.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { confirmUpload, PDF_BYTES, PNG_BYTES, putToPresignedUrl, requestUpload, uploadReadyFile } from './upload-helpers.js';

const MIB = 1024 * 1024;

let api: RunningApi;
let student: TestUser;
let tutor: TestUser;
let otherStudent: TestUser;
let admin: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  const { db } = api.container.resources;
  [student, tutor, otherStudent, admin] = await Promise.all([
    createTestUser(db, api.config, 'student'),
    createTestUser(db, api.config, 'tutor'),
    createTestUser(db, api.config, 'student'),
    createTestUser(db, api.config, 'admin'),
  ]);
});
afterAll(() => api.close());

const fileRow = (id: string) => api.container.resources.db('files').where({ id }).first();

async function objectExists(objectKey: string): Promise<boolean> {
  try {
    await api.container.resources.storage.statObject(api.config.storage.bucket, objectKey);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFound') return false;
    throw error;
  }
}

async function download(user: TestUser, fileId: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${api.baseUrl}/api/files/${fileId}/download`, { headers: user.auth });
  return { status: response.status, body: await readJson(response) };
}

describe('uploading through a presigned URL', () => {
  it('hands out a short-lived PUT URL on the public storage endpoint, for a key of its own making', async () => {
    const { response, body } = await requestUpload(api, student, { purpose: 'avatar', contentType: 'image/png', bytes: PNG_BYTES, filename: '../../etc/évil "me".png' });
    expect(response.status).toBe(201);
    expect(body.file).toMatchObject({ purpose: 'avatar', contentType: 'image/png', size: PNG_BYTES.length, status: 'pending', filename: 'évil me.png' });
    expect(body.upload.method).toBe('PUT');
    expect(body.upload.url.startsWith(`${api.config.storage.endpoint}/${api.config.storage.bucket}/`)).toBe(true);
    expect(new URL(body.upload.url).searchParams.get('X-Amz-Expires')).toBe('600');
    expect(new Date(body.upload.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(10 * 60_000);

    const row = await fileRow(body.file.id);
    expect(row.object_key).toBe(`avatar/${student.id}/${body.file.id}`);
    expect(row.owner_id).toBe(student.id);
  });

  it('makes a file ready after a real PUT and confirm, and serves it as an attachment', async () => {
    const { body } = await requestUpload(api, student, { purpose: 'message_attachment', contentType: 'image/png', bytes: PNG_BYTES, filename: 'Zoë portrait.png' });
    const put = await putToPresignedUrl(body.upload, PNG_BYTES);
    expect(put.status).toBe(200);

    const confirmed = await confirmUpload(api, student, body.file.id);
    expect(confirmed.response.status).toBe(200);
    expect(confirmed.body.status).toBe('ready');
    // Confirming twice changes nothing.
    expect((await confirmUpload(api, student, body.file.id)).body.status).toBe('ready');

    const link = await download(student, body.file.id);
    expect(link.status).toBe(200);
    const served = await fetch(link.body.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-disposition')).toBe(`attachment; filename="Zo_ portrait.png"; filename*=UTF-8''Zo%C3%AB%20portrait.png`);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG_BYTES);
  });

  it('forces the declared type on download, whatever Content-Type the PUT carried', async () => {
    const { body } = await requestUpload(api, student, { purpose: 'message_attachment', contentType: 'text/plain', bytes: Buffer.from('<h1>hi</h1>') });
    await fetch(body.upload.url, { method: 'PUT', headers: { 'Content-Type': 'text/html' }, body: Buffer.from('<h1>hi</h1>') });
    expect((await confirmUpload(api, student, body.file.id)).response.status).toBe(200);
    const served = await fetch((await download(student, body.file.id)).body.url);
    expect(served.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  it('answers 409 when confirming before anything was uploaded, and keeps the file pending', async () => {
    const { body } = await requestUpload(api, student, { purpose: 'avatar', contentType: 'image/png', bytes: PNG_BYTES });
    const confirmed = await confirmUpload(api, student, body.file.id);
    expect(confirmed.response.status).toBe(409);
    expect((await fileRow(body.file.id)).status).toBe('pending');
    expect((await download(student, body.file.id)).status).toBe(409);
  });
});

describe('checking what arrived', () => {
  it('rejects a PNG declared as a PDF and deletes the object', async () => {
    const { body } = await requestUpload(api, tutor, { purpose: 'verification_document', contentType: 'application/pdf', bytes: PNG_BYTES, filename: 'diploma.pdf' });
    await putToPresignedUrl(body.upload, PNG_BYTES);
    const row = await fileRow(body.file.id);
    expect(await objectExists(row.object_key)).toBe(true);

    const confirmed = await confirmUpload(api, tutor, body.file.id);
    expect(confirmed.response.status).toBe(422);
    expect(confirmed.body.detail).toMatch(/not application\/pdf/);
    expect((await fileRow(body.file.id)).status).toBe('rejected');
    expect(await objectExists(row.object_key)).toBe(false);
    // A rejected file stays rejected and is never handed out.
    expect((await confirmUpload(api, tutor, body.file.id)).response.status).toBe(409);
    expect((await download(tutor, body.file.id)).status).toBe(409);
  });

  it('accepts a real PDF as a verification document', async () => {
    const fileId = await uploadReadyFile(api, tutor, { purpose: 'verification_document', contentType: 'application/pdf', bytes: PDF_BYTES });
    expect((await fileRow(fileId)).status).toBe('ready');
  });

  it('rejects an object whose size differs from the declared one', async () => {
    const { body } = await requestUpload(api, student, { purpose: 'avatar', contentType: 'image/png', bytes: PNG_BYTES, size: PNG_BYTES.length + 10 });
    await putToPresignedUrl(body.upload, PNG_BYTES);
    const confirmed = await confirmUpload(api, student, body.file.id);
    expect(confirmed.response.status).toBe(422);
    expect(confirmed.body.detail).toMatch(/declared/);
    expect(await objectExists((await fileRow(body.file.id)).object_key)).toBe(false);
  });

  it('rejects an object larger than its purpose allows, even if the upload URL let it through', async () => {
    const { body } = await requestUpload(api, student, { purpose: 'avatar', contentType: 'image/png', bytes: PNG_BYTES, size: 5 * MIB });
    const oversized = Buffer.concat([PNG_BYTES, Buffer.alloc(5 * MIB + 1 - PNG_BYTES.length)]);
    await putToPresignedUrl(body.upload, oversized);
    const confirmed = await confirmUpload(api, student, body.file.id);
    expect(confirmed.response.status).toBe(422);
    expect(confirmed.body.detail).toMatch(/at most 5242880/);
    expect(await objectExists((await fileRow(body.file.id)).object_key)).toBe(false);
  });

  it('refuses an oversized or mistyped declaration before any URL is handed out', async () => {
    const tooBig = await requestUpload(api, student, { purpose: 'avatar', contentType: 'image/png', bytes: PNG_BYTES, size: 5 * MIB + 1 });
    expect(tooBig.response.status).toBe(400);
    expect(tooBig.body.errors).toEqual([{ path: 'body.size', message: expect.stringMatching(/at most 5 MiB/) }]);

    const wrongType = await requestUpload(api, student, { purpose: 'avatar', contentType: 'application/pdf', bytes: PDF_BYTES });
    expect(wrongType.response.status).toBe(400);
    expect(wrongType.body.errors[0].path).toBe('body.contentType');

    const unknownType = await requestUpload(api, student, { purpose: 'message_attachment', contentType: 'text/html', bytes: Buffer.from('<script>') });
    expect(unknownType.response.status).toBe(400);

    const rows = await api.container.resources.db('files').where({ owner_id: student.id, declared_size: 5 * MIB + 1 });
    expect(rows).toEqual([]);
  });

  it('checks text is UTF-8 without NUL bytes', async () => {
    const good = await uploadReadyFile(api, student, { purpose: 'message_attachment', contentType: 'text/plain', bytes: Buffer.from('notes: ✓ café\n') });
    expect((await fileRow(good)).status).toBe('ready');

    const binary = Buffer.from([0x68, 0x69, 0x00, 0x01]);
    const { body } = await requestUpload(api, student, { purpose: 'message_attachment', contentType: 'text/plain', bytes: binary });
    await putToPresignedUrl(body.upload, binary);
    expect((await confirmUpload(api, student, body.file.id)).response.status).toBe(422);
  });

  it('decodes WEBP and JPEG images, and refuses one declared as the other', async () => {
    const pixels = sharp({ create: { width: 8, height: 6, channels: 3, background: '#3366cc' } });
    const webp = await pixels.clone().webp().toBuffer();
    expect(await uploadReadyFile(api, student, { purpose: 'avatar', contentType: 'image/webp', bytes: webp })).toEqual(expect.any(String));
    const jpeg = await pixels.clone().jpeg().toBuffer();
    expect(await uploadReadyFile(api, student, { purpose: 'avatar', contentType: 'image/jpeg', bytes: jpeg })).toEqual(expect.any(String));

    const { body } = await requestUpload(api, student, { purpose: 'avatar', contentType: 'image/webp', bytes: jpeg });
    await putToPresignedUrl(body.upload, jpeg);
    expect((await confirmUpload(api, student, body.file.id)).response.status).toBe(422);
  });
});

describe('who may do what with a file', () => {
  it('lets only the owner confirm and download an attachment; others get 404', async () => {
    const { body } = await requestUpload(api, student, { purpose: 'message_attachment', contentType: 'application/pdf', bytes: PDF_BYTES });
    await putToPresignedUrl(body.upload, PDF_BYTES);
    expect((await confirmUpload(api, otherStudent, body.file.id)).response.status).toBe(404);
    expect((await confirmUpload(api, student, body.file.id)).response.status).toBe(200);

    expect((await download(student, body.file.id)).status).toBe(200);
    expect((await download(otherStudent, body.file.id)).status).toBe(404);
    expect((await download(tutor, body.file.id)).status).toBe(404);
    // Admins read verification documents, not people's message attachments.
    expect((await download(admin, body.file.id)).status).toBe(404);
    expect((await fetch(`${api.baseUrl}/api/files/${body.file.id}/download`)).status).toBe(401);
  });

  it('lets the messaging code widen read access through canRead rules', async () => {
    const fileId = await uploadReadyFile(api, student, { purpose: 'message_attachment', contentType: 'application/pdf', bytes: PDF_BYTES });
    const files = api.container.app.files;
    expect(await files.canRead(fileId, tutor.id)).toBe(false);
    files.addReadRule('message_attachment', async (file, userId) => file.id === fileId && userId === tutor.id);
    expect(await files.canRead(fileId, tutor.id)).toBe(true);
    expect((await download(tutor, fileId)).status).toBe(200);
    expect(await files.canRead(fileId, otherStudent.id)).toBe(false);
  });

  it('lets only tutors upload verification documents', async () => {
    const { response } = await requestUpload(api, student, { purpose: 'verification_document', contentType: 'application/pdf', bytes: PDF_BYTES });
    expect(response.status).toBe(403);
    const unauthenticated = await fetch(`${api.baseUrl}/api/files`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(unauthenticated.status).toBe(401);
  });
});

describe('avatars', () => {
  it('puts a ready avatar on the public tutor profile, downloadable by anyone who sees it', async () => {
    const owner = await createTestUser(api.container.resources.db, api.config, 'tutor');
    const profile = await fetch(`${api.baseUrl}/api/me/tutor-profile`, {
      method: 'PUT',
      headers: { ...owner.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        headline: 'Piano',
        bio: 'Classical piano.',
        hourlyRateMinor: 5000,
        currency: 'EUR',
        timeZone: 'Europe/Vienna',
        subjects: ['music.piano'],
        languages: ['de'],
        published: true,
      }),
    });
    expect(profile.status).toBe(200);

    const fileId = await uploadReadyFile(api, owner, { purpose: 'avatar', contentType: 'image/png', bytes: PNG_BYTES, filename: 'me.png' });
    const set = await fetch(`${api.baseUrl}/api/me/avatar`, { method: 'PUT', headers: { ...owner.auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ fileId }) });
    expect(set.status).toBe(200);

    const view = await readJson(await fetch(`${api.baseUrl}/api/tutors/${owner.id}`));
    expect(view.avatarUrl).toEqual(expect.stringContaining(api.config.storage.endpoint));
    const image = await fetch(view.avatarUrl);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG_BYTES);
  });

  it('puts a student avatar on the student profile', async () => {
    const learner = await createTestUser(api.container.resources.db, api.config, 'student');
    const fileId = await uploadReadyFile(api, learner, { purpose: 'avatar', contentType: 'image/png', bytes: PNG_BYTES });
    const set = await fetch(`${api.baseUrl}/api/me/avatar`, { method: 'PUT', headers: { ...learner.auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ fileId }) });
    expect(set.status).toBe(200);
    const profile = await readJson(await fetch(`${api.baseUrl}/api/me/student-profile`, { headers: learner.auth }));
    expect(profile.avatarUrl).toEqual(expect.stringContaining(`/${api.config.storage.bucket}/ready/avatar/${learner.id}/${fileId}/`));
  });

  it('refuses someone else’s file, a file of another purpose and a file not confirmed', async () => {
    const setAvatar = (user: TestUser, fileId: string) =>
      fetch(`${api.baseUrl}/api/me/avatar`, { method: 'PUT', headers: { ...user.auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ fileId }) });
    const othersAvatar = await uploadReadyFile(api, otherStudent, { purpose: 'avatar', contentType: 'image/png', bytes: PNG_BYTES });
    expect((await setAvatar(student, othersAvatar)).status).toBe(404);

    const attachment = await uploadReadyFile(api, student, { purpose: 'message_attachment', contentType: 'image/png', bytes: PNG_BYTES });
    expect((await setAvatar(student, attachment)).status).toBe(422);

    const { body } = await requestUpload(api, student, { purpose: 'avatar', contentType: 'image/png', bytes: PNG_BYTES });
    expect((await setAvatar(student, body.file.id)).status).toBe(409);
  });
});
