import type { Client as StorageClient } from 'minio';

/**
 * A presigned GET of an object, served as an attachment of the given type and never cached: the
 * short-lived link the API and emails hand out for a private object (e.g. a GDPR archive).
 */
export async function presignDownload(
  presigner: StorageClient,
  object: { bucket: string; key: string; contentType: string; filename: string },
  ttlMs: number,
): Promise<{ url: string; expiresAt: Date }> {
  const ttlSeconds = Math.max(1, Math.floor(ttlMs / 1000));
  const url = await presigner.presignedGetObject(object.bucket, object.key, ttlSeconds, {
    'response-content-type': object.contentType,
    'response-content-disposition': `attachment; filename="${object.filename}"`,
    'response-cache-control': 'private, no-store',
  });
  return { url, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
}

/** Where a person's GDPR archive is stored. */
export const dataExportObjectKey = (userId: string, exportId: string) => `exports/${userId}/${exportId}.json`;

export const DATA_EXPORT_FILE = { contentType: 'application/json', filename: 'tutorflow-data.json' } as const;
