/**
 * Tutor verification: a tutor submits documents, an admin approves or rejects each one, and the
 * profile's verification_status follows. Documents are private: the tutor and admins see them;
 * to anyone else they do not exist (404).
 *
 * The status after a decision: 'pending' while any document still waits for review; otherwise
 * the latest decision's outcome ('verified' on approval, 'rejected' on rejection).
 */
import type { Knex } from 'knex';
import { UniqueViolationError } from 'objection';
import { requireAdmin, type Principal } from '../../domain/principal.js';
import type { VerificationDocument, VerificationDocumentKind, VerificationDocumentStatus } from '../../db/models/verification-document.js';
import type { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import type { VerificationDocumentRepository } from '../../db/repositories/verification-document-repository.js';
import { AppError } from '../../domain/errors.js';
import type { FileService } from '../files/file-service.js';

export interface VerificationDocumentView {
  id: string;
  tutorId: string;
  fileId: string;
  kind: VerificationDocumentKind;
  status: VerificationDocumentStatus;
  decisionReason: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

export interface AdminVerificationDocumentView extends VerificationDocumentView {
  tutorDisplayName: string;
}

export type Decision = { approve: true } | { approve: false; reason: string };

export class VerificationService {
  constructor(
    private readonly db: Knex,
    private readonly documents: VerificationDocumentRepository,
    private readonly tutorProfiles: TutorProfileRepository,
    private readonly users: UserRepository,
    private readonly files: FileService,
  ) {}

  async submit(principal: Principal, input: { fileId: string; kind: VerificationDocumentKind }): Promise<VerificationDocumentView> {
    if (principal.role !== 'tutor') throw AppError.forbidden('Only tutors submit verification documents');
    const file = await this.files.ownedFile(principal, input.fileId);
    if (file.purpose !== 'verification_document') {
      throw new AppError('unprocessable', `The file was uploaded as a ${file.purpose}, not a verification document`);
    }
    if (file.status !== 'ready') throw AppError.conflict(`The file is ${file.status}; confirm its upload first`);
    if (!(await this.tutorProfiles.findByUserId(principal.userId))) {
      throw AppError.conflict('Create your tutor profile (PUT /api/me/tutor-profile) before submitting documents');
    }
    try {
      const document = await this.db.transaction(async (trx) => {
        const inserted = await this.documents.insert({ tutorId: principal.userId, fileId: file.id, kind: input.kind }, trx);
        await this.tutorProfiles.setVerificationStatus(principal.userId, 'pending', trx);
        return inserted;
      });
      return toView(document);
    } catch (error) {
      if (error instanceof UniqueViolationError) throw AppError.conflict('This file was already submitted');
      throw error;
    }
  }

  async listMine(principal: Principal): Promise<VerificationDocumentView[]> {
    if (principal.role !== 'tutor') throw AppError.forbidden('Only tutors submit verification documents');
    return (await this.documents.listByTutor(principal.userId)).map(toView);
  }

  async listForReview(principal: Principal, status: VerificationDocumentStatus | undefined, limit: number): Promise<AdminVerificationDocumentView[]> {
    requireAdmin(principal, 'Only admins review verification documents');
    return this.withTutorNames(await this.documents.listByStatus(status, limit));
  }

  async decide(principal: Principal, documentId: string, decision: Decision): Promise<AdminVerificationDocumentView> {
    requireAdmin(principal, 'Only admins review verification documents');
    const decided = await this.db.transaction(async (trx) => {
      const document = await this.documents.findByIdForUpdate(documentId, trx);
      if (!document) throw AppError.notFound('The verification document');
      if (document.status !== 'pending') throw AppError.conflict(`The document was already ${document.status}`);
      const updated = await this.documents.decide(
        document.id,
        {
          status: decision.approve ? 'approved' : 'rejected',
          reason: decision.approve ? null : decision.reason,
          decidedBy: principal.userId,
          decidedAt: new Date(),
        },
        trx,
      );
      // Lock the profile before counting: a concurrent decision on another document of this tutor
      // waits here, then counts with this one's outcome committed.
      await this.tutorProfiles.findByUserIdForUpdate(document.tutorId, trx);
      const stillPending = (await this.documents.countPendingOf(document.tutorId, trx)) > 0;
      await this.tutorProfiles.setVerificationStatus(document.tutorId, stillPending ? 'pending' : decision.approve ? 'verified' : 'rejected', trx);
      return updated;
    });
    const [view] = await this.withTutorNames([decided]);
    return view!;
  }

  private async withTutorNames(documents: VerificationDocument[]): Promise<AdminVerificationDocumentView[]> {
    const users = await this.users.findByIds([...new Set(documents.map((document) => document.tutorId))]);
    const names = new Map(users.map((user) => [user.id, user.displayName]));
    return documents.map((document) => ({ ...toView(document), tutorDisplayName: names.get(document.tutorId) ?? '' }));
  }
}

function toView(document: VerificationDocument): VerificationDocumentView {
  return {
    id: document.id,
    tutorId: document.tutorId,
    fileId: document.fileId,
    kind: document.kind,
    status: document.status,
    decisionReason: document.decisionReason,
    decidedBy: document.decidedBy,
    decidedAt: document.decidedAt,
    createdAt: document.createdAt,
  };
}
