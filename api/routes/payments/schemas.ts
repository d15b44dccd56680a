import { z } from 'zod';

export const StartOnboardingSchema = z
  .strictObject({
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'Expected a two-letter country code such as "US"')
      .optional()
      .describe("The country of the tutor's payout account; the platform's default when left out"),
  })
  .meta({ id: 'StartPayoutsOnboarding' });

export const OnboardingLinkSchema = z
  .object({
    accountId: z.string().describe('The Stripe connected account'),
    url: z.url().describe("Send the tutor here: Stripe's hosted onboarding"),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'PayoutsOnboardingLink' });

export const PayoutsStatusSchema = z
  .object({
    accountId: z.string().nullable().describe('null until onboarding starts'),
    payoutsEnabled: z.boolean(),
  })
  .meta({ id: 'PayoutsStatus' });

export const SetupIntentSchema = z
  .object({
    setupIntentId: z.string(),
    clientSecret: z.string().describe('Give it to Stripe.js (confirmCardSetup) to collect the card'),
    customerId: z.string(),
  })
  .meta({ id: 'CardSetup' });

export const SavedCardListSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string().describe('The Stripe PaymentMethod'),
        brand: z.string(),
        last4: z.string(),
        expMonth: z.number().int(),
        expYear: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'SavedCardList' });
