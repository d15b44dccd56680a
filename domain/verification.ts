/** A tutor's verification, and the documents an admin reviews for it. */
export const VERIFICATION_STATUSES = ['unverified', 'pending', 'verified', 'rejected'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export const VERIFICATION_DOCUMENT_KINDS = ['identity', 'qualification'] as const;
export type VerificationDocumentKind = (typeof VERIFICATION_DOCUMENT_KINDS)[number];

export const VERIFICATION_DOCUMENT_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type VerificationDocumentStatus = (typeof VERIFICATION_DOCUMENT_STATUSES)[number];
