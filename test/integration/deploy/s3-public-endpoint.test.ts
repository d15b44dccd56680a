/**
 * S3_PUBLIC_ENDPOINT: in docker compose the API reaches MinIO at http://minio:9000, a browser at
 * http://localhost:9000. Presigned URLs must name (and be signed for) the browser's host, or the
 * browser cannot resolve them and MinIO refuses the signature. Here the same MinIO is reached under
 * a second name, localhost instead of 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackEnv } from '../../../scripts/stack/env.js';
import { createTestUser, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { PNG_BYTES, requestUpload } from '../files/upload-helpers.js';

const internal = new URL(stackEnv('test').S3_ENDPOINT!);
const publicEndpoint = `http://localhost:${internal.port}`;

let api: RunningApi;
let student: TestUser;

beforeAll(async () => {
  api = await startTestApi({ S3_PUBLIC_ENDPOINT: publicEndpoint });
  student = await createTestUser(api.container.resources.db, api.config, 'student');
});
afterAll(() => api?.close());

describe('S3_PUBLIC_ENDPOINT', () => {
  it('names the public host in presigned URLs, signed so that storage accepts them there', async () => {
    const { response, body } = await requestUpload(api, student, { purpose: 'message_attachment', contentType: 'image/png', bytes: PNG_BYTES, filename: 'chart.png' });
    expect(response.status).toBe(201);
    const url = new URL(body.upload.url);
    expect(url.origin).toBe(publicEndpoint);
    expect(internal.hostname).toBe('127.0.0.1');

    const put = await fetch(url, { method: 'PUT', headers: body.upload.headers, body: PNG_BYTES });
    expect(put.status).toBe(200);
    const row = await api.container.resources.db('files').where({ id: body.file.id }).first();
    const stat = await api.container.resources.storage.statObject(api.config.storage.bucket, row.object_key);
    expect(stat.size).toBe(PNG_BYTES.length);
  });
});
