import { z } from 'zod';
import { CREDIT_ENTRY_KINDS, PACKAGE_STATUSES } from '../../../domain/credits.js';
import { AdminIdempotencyHeaders, IdempotencyHeaders } from '../bookings/schemas.js';

export { AdminIdempotencyHeaders };

const instant = z.iso.datetime({ offset: true }).describe('An ISO 8601 instant');
const uuid = z.uuid();
const lengthMinutes = z.number().int().min(15).max(240).describe('Lesson length in minutes (one the tutor offers)');

export const IdParams = z.object({ id: uuid });
export const TutorIdParams = z.object({ id: uuid.describe('The tutor’s user id') });

export const PurchaseHeaders = z.object({
  'idempotency-key': IdempotencyHeaders.shape['idempotency-key'].describe('Required: the same key buys the same package once'),
});

export const CreateOfferBody = z
  .strictObject({
    lessons: z.number().int().min(2).max(50).describe('How many lessons the package holds'),
    lengthMinutes,
    discountPercent: z.number().min(0).max(50).multipleOf(0.01).describe('Off the tutor’s lesson price, e.g. 10 for 10 %'),
  })
  .meta({ id: 'CreatePackageOfferRequest' });

export const PackageOfferSchema = z
  .object({
    id: uuid,
    tutorId: uuid,
    lessons: z.number().int(),
    lengthMinutes: z.number().int(),
    discountPercent: z.number(),
    priceMinor: z.number().int().describe('The whole package, in minor units'),
    currency: z.string().length(3),
    retired: z.boolean(),
    createdAt: instant,
  })
  .meta({ id: 'PackageOffer' });

export const PackageOfferListSchema = z.object({ items: z.array(PackageOfferSchema) }).meta({ id: 'PackageOfferList' });

export const PurchaseBody = z
  .strictObject({
    offerId: uuid,
    paymentMethodId: z.string().min(3).max(255).describe('A saved card (Stripe PaymentMethod id) of the student; charged at once'),
  })
  .meta({ id: 'PurchasePackageRequest' });

export const PackageSchema = z
  .object({
    id: uuid,
    offerId: uuid,
    studentId: uuid,
    tutorId: uuid,
    lessons: z.number().int(),
    lengthMinutes: z.number().int(),
    priceMinor: z.number().int(),
    currency: z.string().length(3),
    status: z.enum(PACKAGE_STATUSES),
    creditsLeft: z.number().int().describe('Credits still to book (the ledger’s balance for this package)'),
    capturedMinor: z.number().int(),
    refundedMinor: z.number().int(),
    paidOutMinor: z.number().int().describe('Paid to the tutor for lessons taken from the package'),
    paymentFailure: z.string().nullable(),
    expiresAt: instant.describe('Unused credits are refunded pro rata then'),
    createdAt: instant,
  })
  .meta({ id: 'LessonPackage' });

export const CreditEntrySchema = z
  .object({
    kind: z.enum(CREDIT_ENTRY_KINDS),
    credits: z.number().int().describe('Signed: + for purchase and return, − for consume, expire and refund'),
    bookingId: uuid.nullable(),
    amountMinor: z.number().int().nullable().describe('Money refunded for the credits (expire, refund)'),
    at: instant,
  })
  .meta({ id: 'CreditEntry' });

export const PackageDetailSchema = PackageSchema.extend({ entries: z.array(CreditEntrySchema) }).meta({ id: 'LessonPackageDetail' });
export const PackageListSchema = z.object({ items: z.array(PackageSchema) }).meta({ id: 'LessonPackageList' });

export const PackageStateSchema = z
  .object({
    packageId: uuid,
    status: z.enum(PACKAGE_STATUSES),
    capturedMinor: z.number().int(),
    refundedMinor: z.number().int(),
    paidOutMinor: z.number().int(),
    expiresAt: instant,
    settledLessons: z.number().int(),
    paymentFailure: z.string().optional(),
    attention: z.array(z.object({ id: z.string(), reason: z.string(), message: z.string(), since: instant, amountMinor: z.number().int().optional() })).optional(),
  })
  .meta({ id: 'PackageState' });

export const PackageAcceptedSchema = z.object({ packageId: uuid, href: z.string(), detail: z.string() }).meta({ id: 'PackageActionAccepted' });

export const CreditBalanceListSchema = z
  .object({ items: z.array(z.object({ tutorId: uuid, lengthMinutes: z.number().int(), credits: z.number().int() })) })
  .meta({ id: 'CreditBalanceList' });

export const AdminPackageRefundBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const AdminPackageAttentionBody = z.strictObject({
  action: z.enum(['retry', 'close']).describe('retry: run the refused refund or payout again (same idempotency key); close: it was settled outside'),
  reason: z.string().trim().min(1).max(500),
  itemId: z.string().max(200).optional(),
});

export const TrialOfferBody = z
  .strictObject({
    lengthMinutes,
    priceMinor: z.number().int().min(0).max(10_000_000).describe('The trial lesson’s price in minor units; 0 is a free trial (no card hold)'),
  })
  .meta({ id: 'TrialOfferRequest' });

export const TrialOfferSchema = z
  .object({
    tutorId: uuid,
    lengthMinutes: z.number().int(),
    priceMinor: z.number().int(),
    currency: z.string().length(3),
    available: z.boolean().nullable().describe('For a signed-in student: whether their trial with this tutor is still to take; null otherwise'),
  })
  .meta({ id: 'TrialOffer' });
