import { BaseModel } from './base-model.js';

export const VERIFICATION_DOCUMENT_KINDS = ['identity', 'qualification'] as const;
export type VerificationDocumentKind = (typeof VERIFICATION_DOCUMENT_KINDS)[number];

export const VERIFICATION_DOCUMENT_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type VerificationDocumentStatus = (typeof VERIFICATION_DOCUMENT_STATUSES)[number];

export class VerificationDocument extends BaseModel {
  static override tableName = 'verification_documents';

  id!: string;
  tutorId!: string;
  fileId!: string;
  kind!: VerificationDocumentKind;
  status!: VerificationDocumentStatus;
  decisionReason!: string | null;
  decidedBy!: string | null;
  decidedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}
