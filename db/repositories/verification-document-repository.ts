import type { Knex } from 'knex';
import { VerificationDocument, type VerificationDocumentKind, type VerificationDocumentStatus } from '../models/verification-document.js';

/** Every query on verification_documents. */
export class VerificationDocumentRepository {
  constructor(private readonly db: Knex) {}

  async insert(document: { tutorId: string; fileId: string; kind: VerificationDocumentKind }, trx?: Knex.Transaction): Promise<VerificationDocument> {
    return VerificationDocument.query(trx ?? this.db).insertAndFetch(document);
  }

  async findById(id: string, trx?: Knex.Transaction): Promise<VerificationDocument | undefined> {
    return VerificationDocument.query(trx ?? this.db).findById(id);
  }

  /** Locks the document until the transaction ends, so two admins cannot decide it at once. */
  async findByIdForUpdate(id: string, trx: Knex.Transaction): Promise<VerificationDocument | undefined> {
    return VerificationDocument.query(trx).findById(id).forUpdate();
  }

  async listByTutor(tutorId: string, trx?: Knex.Transaction): Promise<VerificationDocument[]> {
    return VerificationDocument.query(trx ?? this.db).where({ tutor_id: tutorId }).orderBy('created_at', 'desc').orderBy('id');
  }

  /** The review queue: oldest first, so nobody waits behind newer submissions. */
  async listByStatus(status: VerificationDocumentStatus | undefined, limit: number, trx?: Knex.Transaction): Promise<VerificationDocument[]> {
    const query = VerificationDocument.query(trx ?? this.db).orderBy('created_at').orderBy('id').limit(limit);
    return status ? query.where({ status }) : query;
  }

  async decide(
    id: string,
    decision: { status: Exclude<VerificationDocumentStatus, 'pending'>; reason: string | null; decidedBy: string; decidedAt: Date },
    trx?: Knex.Transaction,
  ): Promise<VerificationDocument> {
    return VerificationDocument.query(trx ?? this.db).patchAndFetchById(id, {
      status: decision.status,
      decisionReason: decision.reason,
      decidedBy: decision.decidedBy,
      decidedAt: decision.decidedAt,
      updatedAt: decision.decidedAt,
    });
  }

  async countPendingOf(tutorId: string, trx?: Knex.Transaction): Promise<number> {
    const row = (await VerificationDocument.query(trx ?? this.db).where({ tutor_id: tutorId, status: 'pending' }).count({ count: '*' }).first()) as unknown as
      | { count: string }
      | undefined;
    return Number(row?.count ?? 0);
  }
}
