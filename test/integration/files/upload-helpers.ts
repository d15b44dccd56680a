/**
 * Uploading as a client does: ask the API for a presigned PUT, PUT the bytes straight to MinIO,
 * confirm. Shared by the file, avatar and verification tests.
 */
import type { TestUser } from '../../support/fixtures.js';
import { readJson, type Json } from '../../support/http.js';
import type { RunningApi } from '../../support/harness.js';

/** A real 4×4 PNG (images are decoded on confirm, so a bare signature no longer passes). */
export const PNG_BYTES = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEElEQVQImWM4IScHRwzEcQCxYxBB16puEAAAAABJRU5ErkJggg==', 'base64');
/** A PNG signature and IHDR, then an HTML page: passes a first-bytes check, is no image. */
export const PNG_HTML_POLYGLOT = Buffer.concat([PNG_BYTES.subarray(0, 33), Buffer.from('<html><script>alert(document.domain)</script></html>')]);
export const PDF_BYTES = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');

export interface UploadSpec {
  purpose: 'avatar' | 'verification_document' | 'message_attachment';
  contentType: string;
  bytes: Buffer;
  filename?: string;
  /** Declared size; the real one unless a test lies. */
  size?: number;
}

export async function requestUpload(api: RunningApi, user: TestUser, spec: UploadSpec): Promise<{ response: Response; body: Json }> {
  const response = await fetch(`${api.baseUrl}/api/files`, {
    method: 'POST',
    headers: { ...user.auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ purpose: spec.purpose, contentType: spec.contentType, size: spec.size ?? spec.bytes.length, filename: spec.filename ?? 'upload.bin' }),
  });
  return { response, body: await readJson(response) };
}

export async function putToPresignedUrl(upload: Json, bytes: Buffer): Promise<Response> {
  return fetch(upload.url, { method: upload.method, headers: upload.headers, body: bytes });
}

export async function confirmUpload(api: RunningApi, user: TestUser, fileId: string): Promise<{ response: Response; body: Json }> {
  const response = await fetch(`${api.baseUrl}/api/files/${fileId}/confirm`, { method: 'POST', headers: user.auth });
  return { response, body: await readJson(response) };
}

/** The whole flow, expecting success; answers the ready file's id. */
export async function uploadReadyFile(api: RunningApi, user: TestUser, spec: UploadSpec): Promise<string> {
  const created = await requestUpload(api, user, spec);
  if (created.response.status !== 201) throw new Error(`upload refused: ${JSON.stringify(created.body)}`);
  const put = await putToPresignedUrl(created.body.upload, spec.bytes);
  if (!put.ok) throw new Error(`PUT to storage failed: ${put.status} ${await put.text()}`);
  const confirmed = await confirmUpload(api, user, created.body.file.id);
  if (confirmed.response.status !== 200) throw new Error(`confirm failed: ${JSON.stringify(confirmed.body)}`);
  return created.body.file.id as string;
}
