import { z } from 'zod';
import { VERIFICATION_STATUSES } from '../../../domain/verification.js';
import { CANCELLATION_POLICIES } from '../../../domain/cancellation-policy.js';
import { canonicalLanguageTag, isKnownCurrency } from '../../../services/profiles/locale-rules.js';
import { TimeZoneSchema } from '../../schemas/time-zone.js';

export const TutorIdParamsSchema = z.object({ id: z.uuid().describe("The tutor's user id") });

export { TimeZoneSchema };

const LanguageTagSchema = z
  .string()
  .max(35)
  .transform((tag, ctx) => {
    const canonical = canonicalLanguageTag(tag);
    if (canonical) return canonical;
    ctx.addIssue({ code: 'custom', message: 'Not a BCP-47 language tag such as "en" or "pt-BR"' });
    return z.NEVER;
  });

const fields = {
  headline: z.string().trim().max(120),
  bio: z.string().trim().max(5000),
  hourlyRateMinor: z.number().int().min(100).max(100_000_000).describe('Price of one hour in minor units of the currency (cents)'),
  currency: z.string().refine(isKnownCurrency, 'Not an ISO 4217 currency code such as "USD"').describe('ISO 4217, e.g. "USD"'),
  lessonLengths: z
    .array(z.number().int().min(15).max(240).multipleOf(15, 'Lesson lengths are whole quarter hours'))
    .min(1)
    .max(16)
    .transform((lengths) => [...new Set(lengths)].sort((a, b) => a - b))
    .describe('Lesson lengths offered, in minutes: 15 to 240, in steps of 15'),
  timeZone: TimeZoneSchema,
  instantBooking: z.boolean().describe('Requests are accepted at once, without the tutor confirming'),
  cancellationPolicy: z.enum(CANCELLATION_POLICIES),
  subjects: z.array(z.string().max(80)).max(30).describe('Subject ids from GET /api/subjects'),
  languages: z.array(LanguageTagSchema).max(20).describe('BCP-47 tags of the languages the tutor teaches in'),
  published: z.boolean().describe('Listed in search; needs a headline, a bio, a subject and a language'),
};

export const ReplaceTutorProfileSchema = z
  .strictObject({
    ...fields,
    headline: fields.headline.optional(),
    bio: fields.bio.optional(),
    lessonLengths: fields.lessonLengths.optional(),
    instantBooking: fields.instantBooking.optional(),
    cancellationPolicy: fields.cancellationPolicy.optional(),
    subjects: fields.subjects.optional(),
    languages: fields.languages.optional(),
    published: fields.published.optional(),
  })
  .meta({ id: 'ReplaceTutorProfile', description: 'The whole profile: fields left out take their defaults (subjects and languages empty)' });

export const UpdateTutorProfileSchema = z
  .strictObject(Object.fromEntries(Object.entries(fields).map(([name, schema]) => [name, schema.optional()])) as {
    [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]>;
  })
  .meta({ id: 'UpdateTutorProfile', description: 'Only the fields given change. Creating a profile needs hourlyRateMinor and currency' });

export const TutorProfileSchema = z
  .object({
    userId: z.uuid(),
    displayName: z.string(),
    headline: z.string(),
    bio: z.string(),
    hourlyRateMinor: z.number().int(),
    currency: z.string(),
    lessonLengths: z.array(z.number().int()),
    timeZone: z.string(),
    instantBooking: z.boolean(),
    cancellationPolicy: z.enum(CANCELLATION_POLICIES),
    verificationStatus: z.enum(VERIFICATION_STATUSES),
    rating: z.object({ average: z.number().nullable(), count: z.number().int() }),
    subjects: z.array(z.object({ id: z.string(), name: z.string() })),
    languages: z.array(z.string()),
    avatarUrl: z.url().nullable().describe('A short-lived download URL of the avatar image'),
    published: z.boolean(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'TutorProfile' });
