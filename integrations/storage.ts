/**
 * Object storage (MinIO locally, any S3 in production) through the `minio` client.
 */
import { Client } from 'minio';
import type { Config } from '../domain/config.js';

export function createStorageClient(storage: Config['storage']): Client {
  const endpoint = new URL(storage.endpoint);
  const useSSL = endpoint.protocol === 'https:';
  return new Client({
    endPoint: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: storage.accessKey,
    secretKey: storage.secretKey,
    region: storage.region,
  });
}

/** Creates the bucket on first use; safe to call on every start and from several processes at once. */
export async function ensureBucket(client: Client, storage: Config['storage']): Promise<void> {
  if (await client.bucketExists(storage.bucket)) return;
  try {
    await client.makeBucket(storage.bucket, storage.region);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
  }
}
