import type { Knex } from 'knex';
import { StoredFile, type FilePurpose } from '../models/stored-file.js';

export interface NewStoredFile {
  id: string;
  ownerId: string;
  purpose: FilePurpose;
  objectKey: string;
  contentType: string;
  declaredSize: number;
  originalFilename: string;
}

/** Every query on files. */
export class FileRepository {
  constructor(private readonly db: Knex) {}

  async insert(file: NewStoredFile, trx?: Knex.Transaction): Promise<StoredFile> {
    return StoredFile.query(trx ?? this.db).insertAndFetch(file);
  }

  async findById(id: string, trx?: Knex.Transaction): Promise<StoredFile | undefined> {
    return StoredFile.query(trx ?? this.db).findById(id);
  }

  async findByIds(ids: readonly string[], trx?: Knex.Transaction): Promise<StoredFile[]> {
    if (ids.length === 0) return [];
    return StoredFile.query(trx ?? this.db).whereIn('id', ids);
  }

  /** Only a pending file moves; returns undefined when another request already decided it. */
  async markReady(id: string, stored: { readyKey: string; storedSize: number }, trx?: Knex.Transaction): Promise<StoredFile | undefined> {
    const db = trx ?? this.db;
    const now = new Date();
    const changed = await StoredFile.query(db)
      .findById(id)
      .where({ status: 'pending' })
      .patch({ status: 'ready', readyKey: stored.readyKey, storedSize: stored.storedSize, confirmedAt: now, updatedAt: now });
    return changed > 0 ? StoredFile.query(db).findById(id) : undefined;
  }

  /** Uploads still pending (never confirmed) that were created before `before`, oldest first. */
  async findPendingCreatedBefore(before: Date, limit: number, trx?: Knex.Transaction): Promise<StoredFile[]> {
    return StoredFile.query(trx ?? this.db).where({ status: 'pending' }).where('created_at', '<', before).orderBy('created_at').limit(limit);
  }

  /** Files confirmed or rejected in [since, until), by id after `afterId` (keyset pages). */
  async findDecidedBetween(since: Date, until: Date, limit: number, afterId?: string, trx?: Knex.Transaction): Promise<StoredFile[]> {
    const query = StoredFile.query(trx ?? this.db)
      .whereIn('status', ['ready', 'rejected'])
      .where('confirmed_at', '>=', since)
      .where('confirmed_at', '<', until)
      .orderBy('id')
      .limit(limit);
    return afterId ? query.where('id', '>', afterId) : query;
  }

  /** Deletes these files if they are still pending (a confirm that won a race keeps its row); answers how many. */
  async deletePending(ids: readonly string[], trx?: Knex.Transaction): Promise<number> {
    if (ids.length === 0) return 0;
    return StoredFile.query(trx ?? this.db).delete().whereIn('id', ids).where({ status: 'pending' });
  }

  async markRejected(id: string, reason: string, trx?: Knex.Transaction): Promise<boolean> {
    const now = new Date();
    const changed = await StoredFile.query(trx ?? this.db)
      .findById(id)
      .where({ status: 'pending' })
      .patch({ status: 'rejected', rejectionReason: reason, confirmedAt: now, updatedAt: now });
    return changed > 0;
  }
}
