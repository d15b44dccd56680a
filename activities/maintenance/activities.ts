/**
 * The clean-up activities, built from injected clients. Each deletes in batches until nothing is
 * left to delete, heartbeating between batches, and is safe to run twice (deleting what is already
 * gone does nothing). Retention periods come from configuration.
 */
import { heartbeat } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { Client as StorageClient } from 'minio';
import { FileRepository } from '../../db/repositories/file-repository.js';
import { OAuthStateRepository } from '../../db/repositories/oauth-state-repository.js';
import { RetentionRepository } from '../../db/repositories/retention-repository.js';
import { SessionRepository } from '../../db/repositories/session-repository.js';
import type { Config } from '../../domain/config.js';
import type { CleanUpActivities } from '../../workflows/maintenance/definitions.js';

export interface CleanUpDependencies {
  config: Pick<Config, 'maintenance' | 'storage' | 'files'>;
  db: Knex;
  storage: StorageClient;
}

const BATCH = 500;

/** Runs `deleteBatch` until it deletes less than a batch; answers the total. */
async function inBatches(deleteBatch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < BATCH) return total;
    heartbeat(total);
  }
}

export function createCleanUpActivities({ config, db, storage }: CleanUpDependencies): CleanUpActivities {
  const retention = config.maintenance;
  const ago = (ms: number) => new Date(Date.now() - ms);
  const sessions = new SessionRepository(db);
  const states = new OAuthStateRepository(db);
  const files = new FileRepository(db);
  const retained = new RetentionRepository(db);

  return {
    deleteEndedSessions: () => sessions.deleteEndedBefore(ago(retention.sessionRetentionMs)),
    deleteExpiredOAuthStates: () => states.deleteExpired(new Date()),
    deleteUnconfirmedUploads: () =>
      inBatches(async () => {
        const stale = await files.findPendingCreatedBefore(ago(retention.pendingUploadRetentionMs), BATCH);
        // The object first: a row without its object is harmless, an object without its row is never found again.
        if (stale.length > 0) await storage.removeObjects(config.storage.bucket, stale.map((file) => file.objectKey));
        return files.deletePending(stale.map((file) => file.id));
      }),
    deleteUploadLeftovers: async () => {
      // Files decided after the previous runs' windows began, whose upload URL has expired since.
      const until = ago(config.files.uploadUrlTtlMs);
      const since = new Date(until.getTime() - 2 * retention.intervalMs);
      let removed = 0;
      for (let after: string | undefined; ; ) {
        const decided = await files.findDecidedBetween(since, until, BATCH, after);
        if (decided.length > 0) await storage.removeObjects(config.storage.bucket, decided.map((file) => file.objectKey));
        removed += decided.length;
        if (decided.length < BATCH) return removed;
        after = decided.at(-1)!.id;
        heartbeat(removed);
      }
    },
    deleteOldStripeEvents: () => inBatches(() => retained.deleteStripeEventsBefore(ago(retention.stripeEventRetentionMs), BATCH)),
    deleteSentEmails: () => inBatches(() => retained.deleteSentEmailsBefore(ago(retention.sentEmailRetentionMs), BATCH)),
    deleteReadNotifications: () => inBatches(() => retained.deleteReadNotificationsBefore(ago(retention.readNotificationRetentionMs), BATCH)),
  };
}
