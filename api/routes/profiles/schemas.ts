import { z } from 'zod';
import { VERIFICATION_DOCUMENT_KINDS, VERIFICATION_DOCUMENT_STATUSES } from '../../../domain/verification.js';
import { TimeZoneSchema } from '../tutors/profile-schemas.js';

export const UpdateStudentProfileSchema = z.strictObject({ timeZone: TimeZoneSchema.optional() }).meta({ id: 'UpdateStudentProfile' });

export const StudentProfileSchema = z
  .object({
    userId: z.uuid(),
    displayName: z.string(),
    timeZone: z.string(),
    avatarUrl: z.url().nullable().describe('A short-lived download URL of the avatar image'),
  })
  .meta({ id: 'StudentProfile' });

export const SetAvatarSchema = z.strictObject({ fileId: z.uuid().describe('A ready avatar file of yours (POST /api/files, then confirm)') });

export const AvatarSchema = z.object({ fileId: z.uuid(), avatarUrl: z.url() }).meta({ id: 'Avatar' });

export const SubmitVerificationDocumentSchema = z.strictObject({
  fileId: z.uuid().describe('A ready verification_document file of yours'),
  kind: z.enum(VERIFICATION_DOCUMENT_KINDS),
});

export const VerificationDocumentSchema = z
  .object({
    id: z.uuid(),
    tutorId: z.uuid(),
    fileId: z.uuid().describe('Download it with GET /api/files/{id}/download'),
    kind: z.enum(VERIFICATION_DOCUMENT_KINDS),
    status: z.enum(VERIFICATION_DOCUMENT_STATUSES),
    decisionReason: z.string().nullable(),
    decidedBy: z.uuid().nullable().describe('The admin who decided'),
    decidedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'VerificationDocument' });

export const VerificationDocumentListSchema = z.object({ items: z.array(VerificationDocumentSchema) }).meta({ id: 'VerificationDocumentList' });

export const ReviewedVerificationDocumentSchema = VerificationDocumentSchema.extend({ tutorDisplayName: z.string() }).meta({
  id: 'ReviewedVerificationDocument',
});

export const ReviewQueueSchema = z.object({ items: z.array(ReviewedVerificationDocumentSchema) }).meta({ id: 'VerificationReviewQueue' });

export const ReviewQuerySchema = z.object({
  status: z.enum(VERIFICATION_DOCUMENT_STATUSES).optional().describe('Only documents in this status (all when left out)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const DocumentIdParamsSchema = z.object({ id: z.uuid() });

export const RejectDocumentSchema = z.strictObject({ reason: z.string().trim().min(1).max(1000).describe('Shown to the tutor') });
