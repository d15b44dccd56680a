/** Uploads straight to object storage through presigned URLs, a check of what arrived, downloads. */
import type { StoredFile } from '../../../db/models/stored-file.js';
import type { FileService } from '../../../services/files/file-service.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import { CreateUploadSchema, DownloadSchema, FileIdParamsSchema, FileSchema, UploadSchema } from './schemas.js';

const toFileBody = (file: StoredFile) => ({
  id: file.id,
  purpose: file.purpose,
  contentType: file.contentType,
  size: file.storedSize ?? file.declaredSize,
  filename: file.originalFilename,
  status: file.status,
  createdAt: file.createdAt,
});

export function fileRoutes(files: FileService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/files',
      operationId: 'createUpload',
      summary: 'Start an upload: a presigned PUT URL for one file',
      description:
        'The URL is valid for a few minutes. After the PUT, confirm the upload: only then is the file checked (size and content type) and usable.',
      tags: ['files'],
      access: 'user',
      body: CreateUploadSchema,
      responses: { 201: { description: 'The pending file and where to PUT it', schema: UploadSchema } },
      errors: [403, 503],
      handler: async (ctx, { body }) => {
        const upload = await files.createUpload(ctx.state.principal!, body);
        ctx.status = 201;
        ctx.body = { file: toFileBody(upload.file), upload: { url: upload.url, method: upload.method, headers: upload.headers, expiresAt: upload.expiresAt } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/files/:id/confirm',
      operationId: 'confirmUpload',
      summary: 'Check an uploaded file and make it ready',
      description:
        'The stored object must have the declared size and be of its declared type: images must decode fully as that format (a PNG header followed by anything else is refused), a PDF must start as one, text must be UTF-8 without NUL. Otherwise the file is rejected, its object deleted, and the answer is 422. The checked bytes are copied to storage the upload URL cannot reach, so nothing PUT after the confirm is ever served; avatars are re-encoded (metadata stripped, at most 1024 px a side).',
      tags: ['files'],
      access: 'user',
      params: FileIdParamsSchema,
      responses: { 200: { description: 'The ready file', schema: FileSchema } },
      errors: [404, 409, 422, 503],
      handler: async (ctx, { params }) => {
        ctx.body = toFileBody(await files.confirm(ctx.state.principal!, params.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/files/:id/download',
      operationId: 'downloadFile',
      summary: 'A short-lived download URL for a file you may read',
      tags: ['files'],
      access: 'user',
      params: FileIdParamsSchema,
      responses: { 200: { description: 'Where to GET the file', schema: DownloadSchema } },
      errors: [404, 409, 503],
      handler: async (ctx, { params }) => {
        ctx.set('Cache-Control', 'no-store');
        ctx.body = await files.downloadUrl(ctx.state.principal!, params.id);
      },
    }),
  ];
}
