/**
 * Files go straight between the client and object storage through short-lived presigned URLs; the
 * API only decides who may upload what, checks what arrived, and decides who may read it.
 *
 * 1. createUpload: a row in 'pending' and a presigned PUT for a key the server made up.
 * 2. confirm: the uploaded object must have the declared size (within the purpose's limit) and its
 *    bytes must be of the declared type (images must decode); otherwise the row is 'rejected' and
 *    the object deleted. The checked bytes (an avatar re-encoded) are copied to a ready key no
 *    client has a URL for, so a PUT through the still-valid upload URL cannot change them.
 * 3. downloadUrl: a presigned GET of the ready key that forces Content-Type and
 *    Content-Disposition: attachment, so user content is never rendered inline by a browser on our
 *    origin or the storage's.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Client as StorageClient } from 'minio';
import type { Principal } from '../../domain/principal.js';
import type { FilePurpose, StoredFile } from '../../db/models/stored-file.js';
import type { FileRepository } from '../../db/repositories/file-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import { headMatches, isPlainUtf8Text, SNIFF_BYTES } from './content-sniffing.js';
import { checkDeclaredUpload, FILE_RULES, servedContentType, type UploadContentType } from './file-rules.js';
import { attachmentDisposition, sanitizeFilename } from './filename.js';
import { decodeImage, isImageContentType, reencodeAvatar } from './image-check.js';

export interface UploadRequest {
  purpose: FilePurpose;
  contentType: UploadContentType;
  size: number;
  filename: string;
}

export interface PresignedUrl {
  url: string;
  expiresAt: Date;
}

export interface FileUpload extends PresignedUrl {
  file: StoredFile;
  method: 'PUT';
  /** Headers the client should send with the PUT. */
  headers: Record<string, string>;
}

/**
 * Extra read access for one purpose, beyond the owner (and admins for verification documents):
 * e.g. the messaging code lets the other participant of a conversation read an attachment.
 */
export type FileReadRule = (file: StoredFile, userId: string) => Promise<boolean>;

export interface FileServiceOptions {
  bucket: string;
  uploadUrlTtlMs: number;
  downloadUrlTtlMs: number;
  /** Signs the URLs handed to browsers, for the host they reach storage at (S3_PUBLIC_ENDPOINT); the storage client when absent. */
  presigner?: StorageClient;
}

/** Who may create uploads of each purpose. */
const UPLOADERS: Record<FilePurpose, readonly Principal['role'][]> = {
  avatar: ['student', 'tutor'],
  verification_document: ['tutor'],
  message_attachment: ['student', 'tutor', 'admin'],
};

export class FileService {
  private readonly readRules = new Map<FilePurpose, FileReadRule[]>();

  constructor(
    private readonly files: FileRepository,
    private readonly users: UserRepository,
    private readonly storage: StorageClient,
    private readonly options: FileServiceOptions,
  ) {}

  /** Lets another part of the system grant read access to files of one purpose. */
  addReadRule(purpose: FilePurpose, rule: FileReadRule): void {
    this.readRules.set(purpose, [...(this.readRules.get(purpose) ?? []), rule]);
  }

  async createUpload(principal: Principal, request: UploadRequest): Promise<FileUpload> {
    if (!UPLOADERS[request.purpose].includes(principal.role)) {
      throw AppError.forbidden(`A ${principal.role} may not upload a ${request.purpose}`);
    }
    const problems = checkDeclaredUpload(request.purpose, request.contentType, request.size);
    if (problems.length > 0) {
      throw AppError.invalidInput('The upload is not acceptable for its purpose', problems.map(({ field, message }) => ({ path: `body.${field}`, message })));
    }
    const id = randomUUID();
    const file = await this.files.insert({
      id,
      ownerId: principal.userId,
      purpose: request.purpose,
      // Nothing of the client's name goes into the key: it cannot traverse, collide or overwrite.
      objectKey: `${request.purpose}/${principal.userId}/${id}`,
      contentType: request.contentType,
      declaredSize: request.size,
      originalFilename: sanitizeFilename(request.filename),
    });
    const ttlSeconds = Math.floor(this.options.uploadUrlTtlMs / 1000);
    const url = await this.storageCall(() => (this.options.presigner ?? this.storage).presignedPutObject(this.options.bucket, file.objectKey, ttlSeconds));
    return { file, url, method: 'PUT', headers: { 'Content-Type': file.contentType }, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
  }

  /**
   * Checks the uploaded object; answers the ready file, or rejects it (422) and deletes the object.
   * The bytes are read once and exactly those bytes are checked and copied to a key of their own
   * (re-encoded, for avatars): the upload URL stays writable for minutes, but nothing written
   * through it after this point is ever served.
   */
  async confirm(principal: Principal, fileId: string): Promise<StoredFile> {
    const file = await this.files.findById(fileId);
    if (!file || file.ownerId !== principal.userId) throw AppError.notFound('The file');
    if (file.status === 'ready') return file;
    if (file.status === 'rejected') throw AppError.conflict(`The file was rejected: ${file.rejectionReason}`);

    const stat = await this.statObject(file);
    if (!stat) throw AppError.conflict('Nothing has been uploaded for this file yet; PUT it to the upload URL first');
    const limit = FILE_RULES[file.purpose].maxBytes;
    if (stat.size > limit) return this.reject(file, `The file is ${stat.size} bytes; a ${file.purpose} may be at most ${limit}`);
    const bytes = await this.readUpload(file, limit);
    if (bytes.length > limit) return this.reject(file, `The file is more than ${limit} bytes, the most a ${file.purpose} may be`);
    if (bytes.length !== file.declaredSize) return this.reject(file, `The file is ${bytes.length} bytes, but ${file.declaredSize} were declared`);
    if (!(await contentMatches(file.contentType as UploadContentType, bytes))) return this.reject(file, `The file's content is not ${file.contentType}`);

    const stored = file.purpose === 'avatar' && isImageContentType(file.contentType) ? await reencodeAvatar(bytes, file.contentType) : bytes;
    // A key of its own per attempt, so a confirm that loses a race never overwrites the winner's bytes.
    const readyKey = `ready/${file.objectKey}/${randomUUID()}`;
    await this.storageCall(() => this.storage.putObject(this.options.bucket, readyKey, stored, stored.length, { 'Content-Type': file.contentType }));
    const ready = await this.files.markReady(file.id, { readyKey, storedSize: stored.length });
    if (!ready) {
      await this.removeQuietly(readyKey);
      const decided = await this.files.findById(file.id);
      if (decided?.status !== 'ready') throw AppError.conflict('The file was rejected');
      return decided;
    }
    await this.removeQuietly(file.objectKey);
    return ready;
  }

  /** A short-lived URL that downloads the file as an attachment, for whoever may read it. */
  async downloadUrl(principal: Principal, fileId: string): Promise<PresignedUrl> {
    if (!(await this.canRead(fileId, principal.userId))) throw AppError.notFound('The file');
    const file = (await this.files.findById(fileId))!;
    if (file.status !== 'ready') throw AppError.conflict(`The file is ${file.status}, not ready to download`);
    return this.presignDownload(file);
  }

  /**
   * Whether the user may read the file: its owner, an admin for verification documents, or anyone a
   * rule added for its purpose allows. The single place read access is decided.
   */
  async canRead(fileId: string, userId: string): Promise<boolean> {
    const file = await this.files.findById(fileId);
    if (!file) return false;
    if (file.ownerId === userId) return true;
    if (file.purpose === 'verification_document') {
      const user = await this.users.findById(userId);
      if (user?.role === 'admin' && !user.disabledAt) return true;
    }
    for (const rule of this.readRules.get(file.purpose) ?? []) {
      if (await rule(file, userId)) return true;
    }
    return false;
  }

  /**
   * Download URLs of ready avatars by file id, for public views: an avatar is shown to anyone who
   * may see the profile it belongs to, which the caller has decided.
   */
  async avatarUrls(fileIds: readonly string[]): Promise<Map<string, string>> {
    const files = await this.files.findByIds([...new Set(fileIds)]);
    const urls = new Map<string, string>();
    for (const file of files) {
      if (file.purpose === 'avatar' && file.status === 'ready') urls.set(file.id, (await this.presignDownload(file)).url);
    }
    return urls;
  }

  /** The file if the user owns it (else a 404), for services that attach a user's file to something. */
  async ownedFile(principal: Principal, fileId: string): Promise<StoredFile> {
    const file = await this.files.findById(fileId);
    if (!file || file.ownerId !== principal.userId) throw AppError.notFound('The file');
    return file;
  }

  private async presignDownload(file: StoredFile): Promise<PresignedUrl> {
    const ttlSeconds = Math.floor(this.options.downloadUrlTtlMs / 1000);
    const url = await this.storageCall(() =>
      (this.options.presigner ?? this.storage).presignedGetObject(this.options.bucket, file.readyKey ?? file.objectKey, ttlSeconds, {
        'response-content-type': servedContentType(file.contentType),
        'response-content-disposition': attachmentDisposition(file.originalFilename),
        'response-cache-control': 'private, no-store',
      }),
    );
    return { url, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
  }

  private async statObject(file: StoredFile): Promise<{ size: number } | undefined> {
    try {
      return await this.storage.statObject(this.options.bucket, file.objectKey);
    } catch (error) {
      if ((error as { code?: string }).code === 'NotFound') return undefined;
      throw unavailable(error);
    }
  }

  /** The uploaded bytes, reading at most one byte past `limit` (enough to know it is too large). */
  private async readUpload(file: StoredFile, limit: number): Promise<Buffer> {
    const stream = await this.storageCall(() => this.storage.getObject(this.options.bucket, file.objectKey));
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of stream) {
        chunks.push(chunk as Buffer);
        size += (chunk as Buffer).length;
        if (size > limit) break;
      }
    } catch (error) {
      throw unavailable(error);
    } finally {
      stream.destroy();
    }
    return Buffer.concat(chunks);
  }

  /** Storage clean-up that must not fail the request: a leftover is swept by the clean-up schedule. */
  private async removeQuietly(objectKey: string): Promise<void> {
    await this.storage.removeObject(this.options.bucket, objectKey).catch(() => undefined);
  }

  private async reject(file: StoredFile, reason: string): Promise<never> {
    // Only the request that moved the row may delete the object: never the bytes of a ready file.
    if (!(await this.files.markRejected(file.id, reason))) throw AppError.conflict('The file was confirmed by another request meanwhile');
    await this.storageCall(() => this.storage.removeObject(this.options.bucket, file.objectKey));
    throw new AppError('unprocessable', `The file was rejected: ${reason}`);
  }

  private async storageCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw unavailable(error);
    }
  }
}

/** Whether the bytes are of the declared type: images decode, a PDF starts as one, text is UTF-8 without NUL. */
async function contentMatches(contentType: UploadContentType, bytes: Buffer): Promise<boolean> {
  if (contentType === 'text/plain') return isPlainUtf8Text(Readable.from([bytes]));
  if (isImageContentType(contentType)) return (await decodeImage(bytes, contentType)) !== undefined;
  return headMatches(contentType, bytes.subarray(0, SNIFF_BYTES));
}

function unavailable(cause: unknown): AppError {
  return new AppError('unavailable', 'File storage is unavailable right now; try again shortly', { cause, retryAfterSeconds: 5 });
}
