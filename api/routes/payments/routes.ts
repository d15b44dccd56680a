/** Tutors' payout onboarding (Stripe Connect Express) and students' saved cards. */
import type { PaymentServices } from '../../../services/payments/payment-services.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import { OnboardingLinkSchema, PayoutsStatusSchema, SavedCardListSchema, SetupIntentSchema, StartOnboardingSchema } from './schemas.js';

export function paymentRoutes(payments: PaymentServices): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/me/payouts/onboarding',
      operationId: 'startPayoutsOnboarding',
      summary: "A link to Stripe's payout onboarding (creates your connected account the first time)",
      tags: ['payments'],
      access: 'user',
      body: StartOnboardingSchema,
      responses: { 200: { description: 'Where to send the tutor', schema: OnboardingLinkSchema } },
      errors: [403, 409, 503],
      handler: async (ctx, { body }) => {
        ctx.body = await payments.payouts.startOnboarding(ctx.state.principal!, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me/payouts',
      operationId: 'getPayoutsStatus',
      summary: 'Your payout account and whether Stripe lets it receive payouts',
      tags: ['payments'],
      access: 'user',
      responses: { 200: { description: 'The status', schema: PayoutsStatusSchema } },
      errors: [403],
      handler: async (ctx) => {
        ctx.body = await payments.payouts.status(ctx.state.principal!);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/me/payment-methods/setup-intent',
      operationId: 'createCardSetup',
      summary: 'Start saving a card for later payments (a Stripe SetupIntent)',
      tags: ['payments'],
      access: 'user',
      responses: { 201: { description: 'The SetupIntent for Stripe.js', schema: SetupIntentSchema } },
      errors: [403, 503],
      handler: async (ctx) => {
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = await payments.paymentMethods.createSetupIntent(ctx.state.principal!);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me/payment-methods',
      operationId: 'listSavedCards',
      summary: 'Your saved cards',
      tags: ['payments'],
      access: 'user',
      responses: { 200: { description: 'The cards', schema: SavedCardListSchema } },
      errors: [403, 503],
      handler: async (ctx) => {
        ctx.body = { items: await payments.paymentMethods.listCards(ctx.state.principal!) };
      },
    }),
  ];
}
