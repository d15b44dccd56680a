import { z } from 'zod';
import { CALENDAR_MESSAGE, isWithinCalendar } from '../../../domain/safe-input.js';
import { SEARCH_SORTS } from '../../../domain/tutor-search.js';
import { MAX_FREE_WINDOW_DAYS } from '../../../services/search/tutor-search-service.js';

const Instant = z.iso
  .datetime({ offset: true })
  .refine(isWithinCalendar, CALENDAR_MESSAGE)
  .transform((text) => new Date(text))
  .describe('ISO 8601 instant with Z or an offset');

export const TutorSearchQuerySchema = z.object({
  subject: z
    .string()
    .max(100)
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'expected a subject id such as "math" or "math.algebra"')
    .optional()
    .describe('Subject id; a subject includes the subjects under it ("math" finds "math.algebra" tutors)'),
  language: z
    .string()
    .max(35)
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a BCP 47 language tag such as "en" or "pt-BR"')
    .optional()
    .describe('Language the tutor teaches in; "en" also finds "en-GB"'),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'expected an ISO 4217 code such as "USD"')
    .transform((code) => code.toUpperCase())
    .optional()
    .describe('ISO 4217 currency of the hourly rate; required with minPrice or maxPrice'),
  minPrice: z.coerce.number().int().min(0).optional().describe('Lowest hourly rate, in minor units of `currency`'),
  maxPrice: z.coerce.number().int().min(0).optional().describe('Highest hourly rate, in minor units of `currency`'),
  minRating: z.coerce.number().min(0).max(5).optional().describe('Lowest average rating (0–5); unrated tutors are left out'),
  freeFrom: Instant.optional().describe('With freeTo: only tutors with at least one bookable lesson (of a length they offer) wholly inside the window'),
  freeTo: Instant.optional().describe(`End of the free window; at most ${MAX_FREE_WINDOW_DAYS} days after freeFrom`),
  verifiedOnly: z
    .enum(['true', 'false'])
    .optional()
    .transform((flag) => flag === 'true')
    .describe('Only tutors whose identity is verified'),
  sort: z.enum(SEARCH_SORTS).default('relevance').describe('relevance (rating weighted by count, verified first among equals), price, rating or newest'),
  cursor: z.string().max(512).optional().describe('nextCursor of the previous page, unchanged; the other parameters must stay the same'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const TutorCardSchema = z
  .object({
    tutorId: z.uuid(),
    displayName: z.string(),
    headline: z.string(),
    hourlyRateMinor: z.number().int().describe('Price of one hour in minor units of the currency'),
    currency: z.string(),
    lessonLengths: z.array(z.number().int()).describe('Minutes'),
    timeZone: z.string(),
    instantBooking: z.boolean(),
    verified: z.boolean(),
    ratingAverage: z.number().nullable(),
    ratingCount: z.number().int(),
    avatarFileId: z.uuid().nullable(),
    subjects: z.array(z.string()),
    languages: z.array(z.string()),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'TutorCard', description: 'A tutor as search results show them' });

export const TutorSearchPageSchema = z
  .object({
    items: z.array(TutorCardSchema),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` for the next page; null on the last page. With freeFrom/freeTo a page may be shorter than `limit` while more follow'),
  })
  .meta({ id: 'TutorSearchPage' });
