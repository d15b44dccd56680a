/** Builds the file service from the configuration. */
import type { Knex } from 'knex';
import type { Client as StorageClient } from 'minio';
import { FileRepository } from '../../db/repositories/file-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import type { Config } from '../../domain/config.js';
import { createStorageClient } from '../../integrations/storage.js';
import { FileService } from './file-service.js';

export function createFileService(db: Knex, storage: StorageClient, config: Pick<Config, 'storage' | 'files'>): FileService {
  return new FileService(new FileRepository(db), new UserRepository(db), storage, {
    bucket: config.storage.bucket,
    uploadUrlTtlMs: config.files.uploadUrlTtlMs,
    downloadUrlTtlMs: config.files.downloadUrlTtlMs,
    // Signing needs no round trip (the region is configured), so the public host need not be reachable from here.
    ...(config.storage.publicEndpoint ? { presigner: createStorageClient({ ...config.storage, endpoint: config.storage.publicEndpoint }) } : {}),
  });
}
