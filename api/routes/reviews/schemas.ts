import { z } from 'zod';
import { cursorQuery } from '../../cursor.js';

const instant = z.iso.datetime({ offset: true }).describe('An ISO 8601 instant');
const uuid = z.uuid();

export const BookingIdParams = z.object({ id: uuid.describe('The booking id') });
export const ReviewIdParams = z.object({ id: uuid.describe('The review id') });
export const TutorIdParams = z.object({ id: uuid.describe('The tutor’s user id') });

const text = z.string().trim().min(1).max(4000);

export const ReviewBody = z
  .strictObject({
    rating: z.number().int().min(1).max(5).describe('1 (poor) to 5 (excellent)'),
    text: text.describe('What the lesson was like'),
  })
  .meta({ id: 'ReviewRequest' });

export const ReplyBody = z.strictObject({ text: text.describe('The tutor’s answer, shown under the review') });
export const HideReviewBody = z.strictObject({ reason: z.string().trim().min(1).max(500).describe('Why the review is hidden (kept in the audit log)') });

export const ReviewSchema = z
  .object({
    id: uuid,
    bookingId: uuid,
    tutorId: uuid,
    studentId: uuid,
    rating: z.number().int().min(1).max(5),
    text: z.string(),
    reply: z.string().nullable(),
    repliedAt: instant.nullable(),
    hidden: z.boolean().describe('Hidden by a moderator: not listed publicly and not counted in the tutor’s rating'),
    hiddenReason: z.string().nullable(),
    editableUntil: instant.describe('The student may edit the review until then (REVIEW_EDIT_WINDOW after writing it)'),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Review' });

export const PublicReviewSchema = z
  .object({
    id: uuid,
    studentName: z.string(),
    rating: z.number().int().min(1).max(5),
    text: z.string(),
    reply: z.string().nullable(),
    repliedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'PublicReview' });

export const ReviewListQuery = z.object({ cursor: cursorQuery('uuid').optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });
export const ReviewListSchema = z.object({ items: z.array(PublicReviewSchema), nextCursor: z.string().nullable() }).meta({ id: 'PublicReviewList' });

export const ReportReviewBody = z.strictObject({ reason: z.string().trim().min(1).max(500).describe('What is wrong with the review (personal details, abuse, not about the lesson, …)') });

export const ModerationListQuery = z.object({
  view: z.enum(['recent', 'reported', 'hidden']).default('recent').describe('recent: every review; reported: visible ones that users reported; hidden: hidden by a moderator'),
  tutorId: uuid.optional(),
  maxRating: z.coerce.number().int().min(1).max(5).optional().describe('Only reviews rated at most this (e.g. 2 for the poor ones)'),
  cursor: cursorQuery('uuid').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const ModeratedReviewSchema = ReviewSchema.extend({
  tutorName: z.string(),
  studentName: z.string(),
  reportCount: z.number().int().describe('How many reports it has'),
  lastReport: z.object({ reason: z.string(), at: instant }).nullable(),
}).meta({ id: 'ModeratedReview' });

export const ModerationListSchema = z.object({ items: z.array(ModeratedReviewSchema), nextCursor: z.string().nullable() }).meta({ id: 'ModeratedReviewList' });
