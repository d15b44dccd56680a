import { z } from 'zod';
import { FILE_PURPOSES, FILE_STATUSES } from '../../../domain/files.js';
import { checkDeclaredUpload, UPLOAD_CONTENT_TYPES } from '../../../services/files/file-rules.js';

export const CreateUploadSchema = z
  .strictObject({
    purpose: z.enum(FILE_PURPOSES),
    contentType: z
      .enum(UPLOAD_CONTENT_TYPES)
      .describe('avatar: png, jpeg, webp; verification_document: pdf, png, jpeg; message_attachment: pdf, png, jpeg, webp, text/plain'),
    size: z.number().int().positive().describe('Exact size in bytes. avatar ≤ 5 MiB, verification_document ≤ 10 MiB, message_attachment ≤ 20 MiB'),
    filename: z.string().min(1).max(1000).describe('Shown only as the name a download is saved under'),
  })
  .superRefine((upload, ctx) => {
    for (const problem of checkDeclaredUpload(upload.purpose, upload.contentType, upload.size)) {
      ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
    }
  })
  .meta({ id: 'CreateUpload' });

export const FileSchema = z
  .object({
    id: z.uuid(),
    purpose: z.enum(FILE_PURPOSES),
    contentType: z.string(),
    size: z.number().int().describe('Bytes; a ready avatar is re-encoded, so its size is that of the stored image'),
    filename: z.string(),
    status: z.enum(FILE_STATUSES).describe('pending until confirmed; ready once its bytes were checked; rejected otherwise'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'File' });

export const UploadSchema = z
  .object({
    file: FileSchema,
    upload: z.object({
      url: z.url().describe('PUT the bytes here, then POST /api/files/{id}/confirm'),
      method: z.literal('PUT'),
      headers: z.record(z.string(), z.string()).describe('Send these headers with the PUT'),
      expiresAt: z.iso.datetime(),
    }),
  })
  .meta({ id: 'Upload' });

export const DownloadSchema = z
  .object({
    url: z.url().describe('Serves the file as an attachment with its declared type'),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'Download' });

export const FileIdParamsSchema = z.object({ id: z.uuid() });
