/**
 * The GDPR export's activities, built from injected clients. The archive is one JSON document of
 * every row stored about the person (amounts as integer minor units with their currency, times as
 * UTC instants), put at a key derived from the export id, so a retry overwrites the same object.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { Client as StorageClient } from 'minio';
import { PrivacyRepository } from '../../db/repositories/privacy-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import type { Config } from '../../domain/config.js';
import { createStorageClient } from '../../integrations/storage.js';
import type { EmailSender } from '../../platform/email/email-sender.js';
import { DATA_EXPORT_FILE, dataExportObjectKey, presignDownload } from '../../platform/storage/download-link.js';
import type { DataExportActivities } from '../../workflows/privacy/definitions.js';

export interface DataExportDependencies {
  config: Pick<Config, 'storage' | 'privacy'>;
  db: Knex;
  storage: StorageClient;
  emails: EmailSender;
}

/** What the archive says about itself, so a reader years later knows what it holds. */
const ABOUT =
  'Everything Tutorflow stores about you, table by table. Amounts are integer minor units (cents) with their currency; times are UTC. Bookings, payments and payouts are kept after an account is deleted, as accounting law requires.';

export function createDataExportActivities({ config, db, storage, emails }: DataExportDependencies): DataExportActivities {
  const privacy = new PrivacyRepository(db);
  const users = new UserRepository(db);
  const presigner = config.storage.publicEndpoint ? createStorageClient({ ...config.storage, endpoint: config.storage.publicEndpoint }) : storage;

  async function exportOf(exportId: string) {
    const row = await privacy.findExport(exportId);
    // Gone with its account (deleted meanwhile): nothing to build or send, ever.
    if (!row) throw ApplicationFailure.nonRetryable(`No data export ${exportId}`, 'DataExportGone');
    return row;
  }

  return {
    async buildDataExport(exportId) {
      const row = await exportOf(exportId);
      const archive = { format: 'tutorflow-data-export/1', about: ABOUT, exportId, userId: row.userId, exportedAt: new Date().toISOString(), ...(await privacy.archiveOf(row.userId)) };
      const body = Buffer.from(JSON.stringify(archive, null, 2));
      const objectKey = dataExportObjectKey(row.userId, exportId);
      await storage.putObject(config.storage.bucket, objectKey, body, body.length, { 'Content-Type': DATA_EXPORT_FILE.contentType });
      await privacy.markExportReady(exportId, objectKey, body.length);
      return { objectKey, sizeBytes: body.length };
    },

    async emailDataExport(exportId) {
      const row = await exportOf(exportId);
      const user = await users.findById(row.userId);
      if (row.status !== 'ready' || !user || user.disabledAt) return;
      const link = await presignDownload(presigner, { bucket: config.storage.bucket, key: row.objectKey!, ...DATA_EXPORT_FILE }, config.privacy.exportLinkTtlMs);
      const [message] = await emails.enqueue([
        {
          dedupeKey: `data-export:${exportId}`,
          template: 'data-export-ready',
          to: { email: user.email, name: user.displayName },
          params: { displayName: user.displayName, link: link.url, expiresAt: link.expiresAt.toISOString(), timeZone: user.timeZone, exportId },
          sensitive: true,
        },
      ]);
      await emails.deliver([message!.id]);
    },

    async markDataExportFailed(exportId, reason) {
      await privacy.markExportFailed(exportId, reason.slice(0, 500));
    },
  };
}
