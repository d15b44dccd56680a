/**
 * GDPR for the signed-in person: export everything stored about them (a JSON archive built in the
 * background by a Temporal workflow, stored in object storage, handed out as short-lived presigned
 * links), and delete the account (personal data erased in place; bookings and their amounts kept,
 * as accounting law requires). The erasure rule is the README's "Deleting an account".
 */
import type { Client as StorageClient } from 'minio';
import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { PrivacyRepository, type DataExportRow, type DeletionBlocker } from '../../db/repositories/privacy-repository.js';
import { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import type { Config } from '../../domain/config.js';
import { createStorageClient } from '../../integrations/storage.js';
import { DataExportWorkflowClient } from '../../workflows/privacy/client.js';
import { AppError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import type { StripeClient } from '../../integrations/stripe.js';
import type { SessionStore } from '../auth/session-store.js';
import { DATA_EXPORT_FILE, presignDownload } from '../../platform/storage/download-link.js';
import { callStripe } from '../payments/stripe-failure.js';

/** Starts the export's background job (a workflow per export, `data-export-<id>`). */
export interface DataExportStarter {
  start(exportId: string): Promise<void>;
}

export interface PrivacyServiceDependencies {
  privacy: PrivacyRepository;
  studentProfiles: Pick<StudentProfileRepository, 'findByUserId'>;
  stripe: StripeClient;
  storage: StorageClient;
  /** Signs links for the host browsers reach storage at (S3_PUBLIC_ENDPOINT); `storage` when absent. */
  presigner?: StorageClient;
  bucket: string;
  linkTtlMs: number;
  exports: DataExportStarter;
  sessions: Pick<SessionStore, 'revokeAllForUser' | 'announce'>;
  logger: Logger;
}

export interface ExportView {
  export: DataExportRow;
  /** A presigned GET of the archive while it is ready. */
  download: { url: string; expiresAt: Date } | null;
}

const BLOCKER_DETAIL: Record<DeletionBlocker['kind'], string> = {
  open_booking: 'a booking still open (wait for it to end, or cancel it)',
  unsettled_booking: 'an ended lesson whose payment or payout is not settled yet',
  active_series: 'a weekly series still running (cancel it)',
  package_credits: 'a lesson package with unused credits',
};

export class PrivacyService {
  constructor(private readonly deps: PrivacyServiceDependencies) {}

  /** Starts building the archive; answers the export (pending) at once. */
  async requestExport(principal: Principal): Promise<ExportView> {
    const row = await this.deps.privacy.insertExport(principal.userId);
    await this.deps.exports.start(row.id);
    return { export: row, download: null };
  }

  /** The caller's own export (someone else's is a 404), with a fresh short-lived link once ready. */
  async getExport(principal: Principal, exportId: string): Promise<ExportView> {
    const row = await this.deps.privacy.findExport(exportId);
    if (!row || row.userId !== principal.userId) throw AppError.notFound('The export');
    return { export: row, download: row.status === 'ready' ? await this.presign(row.objectKey!) : null };
  }

  private presign(objectKey: string): Promise<{ url: string; expiresAt: Date }> {
    return presignDownload(this.deps.presigner ?? this.deps.storage, { bucket: this.deps.bucket, key: objectKey, ...DATA_EXPORT_FILE }, this.deps.linkTtlMs);
  }

  /**
   * Deletes the caller's account: refused (409, with `blockers`) while a booking is open or its
   * money unsettled, a series runs or package credits are unused. Saved cards are detached from the
   * Stripe customer first (the customer and its charges stay: they are the payment records); then,
   * in one transaction that checks again, the personal data is erased and every session revoked.
   */
  async deleteAccount(principal: Principal): Promise<void> {
    if (principal.role === 'admin') throw AppError.conflict('An admin account is closed by another admin (suspend or ban it)');
    this.refuseIfBlocked(await this.deps.privacy.deletionBlockers(principal.userId));
    await this.detachSavedCards(principal.userId);
    const { revoked, objectKeys } = await this.deps.privacy.transaction(async (trx) => {
      const user = await this.deps.privacy.lockUser(principal.userId, trx);
      if (!user || user.status === 'deleted') throw AppError.notFound('Your account');
      this.refuseIfBlocked(await this.deps.privacy.deletionBlockers(principal.userId, trx));
      const erased = await this.deps.privacy.erase(principal.userId, new Date(), trx);
      return { objectKeys: erased.objectKeys, revoked: await this.deps.sessions.revokeAllForUser(principal.userId, 'account_disabled', trx) };
    });
    await this.deps.sessions.announce(revoked);
    // After the commit: an object without its row is never served; a failure here leaves garbage, not data in use.
    if (objectKeys.length > 0) {
      await this.deps.storage.removeObjects(this.deps.bucket, objectKeys).catch((error: unknown) => this.deps.logger.warn({ err: error, userId: principal.userId }, 'deleted account: objects not removed'));
    }
  }

  private refuseIfBlocked(blockers: DeletionBlocker[]): void {
    if (blockers.length === 0) return;
    const reasons = [...new Set(blockers.map((blocker) => BLOCKER_DETAIL[blocker.kind]))].join('; ');
    throw new AppError('conflict', `The account cannot be deleted yet: ${reasons}`, { extensions: { blockers } });
  }

  private async detachSavedCards(userId: string): Promise<void> {
    const customerId = (await this.deps.studentProfiles.findByUserId(userId))?.stripeCustomerId;
    if (!customerId) return;
    const cards = await callStripe('saved cards', () => this.deps.stripe.customers.listPaymentMethods(customerId, { limit: 100 }));
    for (const card of cards.data) await callStripe('saved card', () => this.deps.stripe.paymentMethods.detach(card.id));
  }
}

export function createPrivacyService(deps: {
  config: Pick<Config, 'storage' | 'privacy' | 'temporal'>;
  db: Knex;
  storage: StorageClient;
  stripe: StripeClient;
  temporal: Client;
  sessions: PrivacyServiceDependencies['sessions'];
  logger: Logger;
}): PrivacyService {
  const { config } = deps;
  return new PrivacyService({
    privacy: new PrivacyRepository(deps.db),
    studentProfiles: new StudentProfileRepository(deps.db),
    stripe: deps.stripe,
    storage: deps.storage,
    ...(config.storage.publicEndpoint ? { presigner: createStorageClient({ ...config.storage, endpoint: config.storage.publicEndpoint }) } : {}),
    bucket: config.storage.bucket,
    linkTtlMs: config.privacy.exportLinkTtlMs,
    exports: new DataExportWorkflowClient(deps.temporal, { taskQueue: config.temporal.taskQueue }),
    sessions: deps.sessions,
    logger: deps.logger.child({ component: 'privacy' }),
  });
}
