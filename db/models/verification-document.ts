import { BaseModel } from './base-model.js';

import type { VerificationDocumentKind, VerificationDocumentStatus } from '../../domain/verification.js';

/** Declared in domain (the API's schemas use them too); here for the readers of this model. */
export { VERIFICATION_DOCUMENT_KINDS, VERIFICATION_DOCUMENT_STATUSES, type VerificationDocumentKind, type VerificationDocumentStatus } from '../../domain/verification.js';

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
