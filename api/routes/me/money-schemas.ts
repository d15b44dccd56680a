import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });
const minor = z.number().int().describe('Integer minor units (cents) of `currency`');

const earningsFields = {
  currency: z.string().length(3),
  lessons: z.number().int().describe('Lessons with money captured'),
  pendingMinor: minor.describe('Your share of lessons paid for and not paid out yet (the payout hold, or a dispute)'),
  paidOutMinor: minor.describe('Paid out to your Stripe account'),
  refundedMinor: minor.describe('Refunded to students'),
  reversedMinor: minor.describe('Taken back from a payout (a refund after it)'),
};

export const EarningsQuery = z.object({ months: z.coerce.number().int().min(1).max(36).default(12).describe('How many calendar months back, this one included') });

export const EarningsSchema = z
  .object({
    months: z.array(z.object({ month: z.string().regex(/^\d{4}-\d{2}$/).describe('The lessons’ month (UTC)'), ...earningsFields })).describe('Newest month first; one line per month and currency'),
    totals: z.array(z.object(earningsFields)).describe('Over the months shown, per currency'),
  })
  .meta({ id: 'TutorEarnings' });

export const DashboardLinkSchema = z
  .object({ url: z.url().describe("Single use: send the tutor to their Stripe Express dashboard"), createdAt: instant })
  .meta({ id: 'PayoutsDashboardLink' });

export const OnboardingStateQuery = z.object({ state: z.string().min(1).max(2_000).describe('Signed by the API when it made the onboarding link') });

export const BookingPaymentSchema = z
  .object({
    paymentIntentId: z.string(),
    kind: z.enum(['lesson', 'reprice']).describe('The lesson’s own payment, or a longer reschedule’s difference'),
    status: z.enum(['requires_action', 'authorized', 'failed', 'captured', 'released']),
    authorizedMinor: minor,
    chargeId: z.string().nullable(),
    capturedMinor: minor,
    refundedMinor: minor,
    transferId: z.string().nullable().optional().describe('Admins only: the tutor’s transfer from this payment’s charge (one per charge)'),
    transferredMinor: minor.optional().describe('Admins only'),
    reversedMinor: minor.optional().describe('Admins only'),
    at: instant.describe('When it was authorized'),
  })
  .meta({ id: 'BookingPayment' });

export const ReceiptSchema = z
  .object({
    bookingId: z.uuid(),
    tutorName: z.string(),
    sessionStart: instant,
    sessionEnd: instant,
    status: z.string(),
    paymentStatus: z.string(),
    currency: z.string().length(3),
    priceMinor: minor,
    capturedMinor: minor.describe('Charged to the card'),
    capturedAt: instant.nullable(),
    releasedAt: instant.nullable().describe('When the card hold was let go without a charge'),
    refundedMinor: minor,
    refunds: z.array(z.object({ amountMinor: minor, at: instant, reason: z.string().nullable() })),
    paidMinor: minor.describe('What the lesson cost in the end: captured − refunded'),
    payments: z
      .array(BookingPaymentSchema)
      .describe('Every payment of the booking, oldest first: the lesson’s own, then one per reschedule to a longer lesson (the difference, its own PaymentIntent)'),
  })
  .meta({ id: 'BookingReceipt' });

export const ReceiptParams = z.object({ id: z.uuid().describe('The booking id') });

export const PackageReceiptSchema = z
  .object({
    packageId: z.uuid(),
    tutorName: z.string(),
    lessons: z.number().int().describe('Credits bought'),
    lengthMinutes: z.number().int(),
    status: z.string(),
    expiresAt: instant,
    currency: z.string().length(3),
    priceMinor: minor,
    capturedMinor: minor.describe('Charged to the card at purchase'),
    capturedAt: instant.nullable(),
    refundedMinor: minor,
    refunds: z
      .array(
        z.object({
          amountMinor: minor,
          credits: z.number().int().describe('Unused credits this refund is for'),
          at: instant,
          reason: z.enum(['pro_rata', 'expiry', 'returned_after_expiry']).describe("pro_rata: an admin refunded the unused credits; expiry: unused credits at the package's expiry; returned_after_expiry: a lesson's credit given back after the expiry"),
        }),
      )
      .describe('Oldest first; each is price × credits ÷ lessons, bounded by what the charge still had'),
    paidMinor: minor.describe('What the package cost in the end: captured − refunded'),
    creditsUsed: z.number().int().describe('Taken by lessons (booked or given) and not given back'),
    creditsLeft: z.number().int().describe('Still usable for a booking'),
  })
  .meta({ id: 'PackageReceipt' });

export const PackageReceiptParams = z.object({ id: z.uuid().describe('The package id') });
export const SavedCardParams = z.object({ id: z.string().min(3).max(255).describe('The saved card (Stripe PaymentMethod id)') });
