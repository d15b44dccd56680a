/**
 * Two holes a probe of the dev stack found in uploads, each replayed against real MinIO:
 * - the presigned PUT URL stays valid for minutes after a confirm, and the download served whatever
 *   was PUT through it last (6 MiB of HTML in place of a checked 94-byte PNG);
 * - a PNG signature and IHDR followed by an HTML page passed as an image (only the first bytes
 *   were checked).
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { readJson } from '../../support/http.js';
import { confirmUpload, PNG_BYTES, PNG_HTML_POLYGLOT, putToPresignedUrl, requestUpload, type UploadSpec } from './upload-helpers.js';

let api: RunningApi;
let student: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  student = await createTestUser(api.container.resources.db, api.config, 'student');
});
afterAll(() => api.close());

const fileRow = (id: string) => api.container.resources.db('files').where({ id }).first();

async function served(fileId: string): Promise<{ contentType: string | null; bytes: Buffer }> {
  const link = await fetch(`${api.baseUrl}/api/files/${fileId}/download`, { headers: student.auth });
  expect(link.status).toBe(200);
  const response = await fetch((await readJson(link)).url);
  expect(response.status).toBe(200);
  return { contentType: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

async function objectExists(objectKey: string): Promise<boolean> {
  return api.container.resources.storage.statObject(api.config.storage.bucket, objectKey).then(
    () => true,
    (error: { code?: string }) => (error.code === 'NotFound' ? false : Promise.reject(error)),
  );
}

describe('a confirmed file', () => {
  it('cannot be replaced through its upload URL: 6 MiB of HTML PUT after the confirm is never served', async () => {
    const { body } = await requestUpload(api, student, { purpose: 'message_attachment', contentType: 'image/png', bytes: PNG_BYTES, filename: 'chart.png' });
    expect((await putToPresignedUrl(body.upload, PNG_BYTES)).status).toBe(200);
    const confirmed = await confirmUpload(api, student, body.file.id);
    expect(confirmed.response.status).toBe(200);

    // The URL still works (it is valid for minutes): the attacker's PUT is accepted by storage…
    const html = Buffer.from(`<html><body>${'<script>alert(document.cookie)</script>'.repeat(Math.ceil((6 * 1024 * 1024) / 38))}</body></html>`);
    expect(html.length).toBeGreaterThan(6 * 1024 * 1024);
    const attack = await fetch(body.upload.url, { method: 'PUT', headers: { 'Content-Type': 'text/html' }, body: html });
    expect(attack.status).toBe(200);

    // …but the download serves the bytes that were checked, from a key no client had a URL for.
    const download = await served(body.file.id);
    expect(download.contentType).toBe('image/png');
    expect(download.bytes).toEqual(PNG_BYTES);
    const row = await fileRow(body.file.id);
    expect(row.ready_key).toMatch(new RegExp(`^ready/message_attachment/${student.id}/${body.file.id}/`));
    expect(row.ready_key).not.toBe(row.object_key);
    expect(new URL(body.upload.url).pathname).not.toContain(row.ready_key);
    // Confirming again does not look at the upload key either.
    expect((await confirmUpload(api, student, body.file.id)).body).toMatchObject({ status: 'ready', size: PNG_BYTES.length });
    expect((await served(body.file.id)).bytes).toEqual(PNG_BYTES);
  });

  it('is checked on the bytes it keeps: the upload object is gone after the confirm', async () => {
    const { body } = await requestUpload(api, student, { purpose: 'message_attachment', contentType: 'image/png', bytes: PNG_BYTES });
    await putToPresignedUrl(body.upload, PNG_BYTES);
    expect((await confirmUpload(api, student, body.file.id)).response.status).toBe(200);
    const row = await fileRow(body.file.id);
    expect(await objectExists(row.object_key)).toBe(false);
    expect(await objectExists(row.ready_key)).toBe(true);
  });
});

describe('an image', () => {
  async function confirmBytes(spec: UploadSpec) {
    const { body } = await requestUpload(api, student, spec);
    await putToPresignedUrl(body.upload, spec.bytes);
    return { fileId: body.file.id as string, ...(await confirmUpload(api, student, body.file.id)) };
  }

  it('is decoded, so a PNG header followed by HTML is refused as an avatar and as an attachment', async () => {
    for (const purpose of ['avatar', 'message_attachment'] as const) {
      const { fileId, response, body } = await confirmBytes({ purpose, contentType: 'image/png', bytes: PNG_HTML_POLYGLOT });
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(body.detail).toMatch(/not image\/png/);
      const row = await fileRow(fileId);
      expect(row.status).toBe('rejected');
      expect(await objectExists(row.object_key)).toBe(false);
    }
  });

  it('must end where the image ends: a whole PNG with HTML appended is refused', async () => {
    const appended = Buffer.concat([PNG_BYTES, Buffer.from('<html><script>alert(1)</script></html>')]);
    const { response } = await confirmBytes({ purpose: 'message_attachment', contentType: 'image/png', bytes: appended });
    expect(response.status).toBe(422);
  });

  it('is re-encoded as an avatar: upright, at most 1024 px a side, metadata stripped, nothing appended', async () => {
    const photo = await sharp({ create: { width: 2000, height: 500, channels: 3, background: '#884422' } })
      .withExif({ IFD0: { Copyright: 'secret location 52.52N 13.40E' } })
      .jpeg()
      .toBuffer();
    const { fileId, response, body } = await confirmBytes({ purpose: 'avatar', contentType: 'image/jpeg', bytes: photo });
    expect(response.status, JSON.stringify(body)).toBe(200);

    const download = await served(fileId);
    expect(download.contentType).toBe('image/jpeg');
    const metadata = await sharp(download.bytes).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 1024, height: 256 });
    expect(metadata.exif).toBeUndefined();
    expect(download.bytes.includes(Buffer.from('secret location'))).toBe(false);
    expect(body.size).toBe(download.bytes.length);
  });
});
