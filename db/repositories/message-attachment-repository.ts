import type { Knex } from 'knex';
import { StoredFile } from '../models/stored-file.js';

/** Reads the files table (owned by the files service) for what messages attach. */
export class MessageAttachmentRepository {
  constructor(private readonly db: Knex) {}

  /** The file if it is a ready message attachment uploaded by `ownerId`. */
  async findUsable(fileId: string, ownerId: string, trx?: Knex.Transaction): Promise<StoredFile | undefined> {
    return StoredFile.query(trx ?? this.db).findOne({ id: fileId, owner_id: ownerId, purpose: 'message_attachment', status: 'ready' });
  }

  async findByIds(ids: readonly string[], trx?: Knex.Transaction): Promise<StoredFile[]> {
    if (ids.length === 0) return [];
    return StoredFile.query(trx ?? this.db).whereIn('id', ids);
  }
}
