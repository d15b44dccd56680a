/**
 * A file straight to object storage (README "Accounts, sessions and files"): the API gives a
 * presigned PUT URL on the storage's own origin (which the served CSP's connect-src names, from
 * S3_PUBLIC_ENDPOINT or S3_ENDPOINT), the page PUTs the bytes there, and the API checks what
 * arrived before the file can be used.
 */
import { unwrap, type Schemas } from '../../client/index.js';
import { api } from './session.js';

type Purpose = Schemas['CreateUpload']['purpose'];
type ContentType = Schemas['CreateUpload']['contentType'];

/** Uploads and confirms one file; its id once the API has checked it. `progress` names each step for the page. */
export async function uploadFile(file: File, purpose: Purpose, progress: (step: string) => void = () => undefined): Promise<string> {
  progress('Uploading…');
  const { file: pending, upload } = unwrap(
    await api.POST('/api/files', { body: { purpose, contentType: file.type as ContentType, size: file.size, filename: file.name } }),
  );
  const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: file });
  if (!put.ok) throw new Error(`The upload to storage failed (${put.status}); try again.`);
  progress('Checking the file…');
  unwrap(await api.POST('/api/files/{id}/confirm', { params: { path: { id: pending.id } } }));
  return pending.id;
}
