/** Webhooks from Stripe: the raw body, its signature verified, each event taken once. */
import type { StripeWebhookService } from '../../../services/payments/stripe-webhooks.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import { readRawBody } from './raw-body.js';
import { WebhookReceiptSchema } from './schemas.js';

/** Stripe's event payloads are a few kilobytes; anything near this is not from Stripe. */
const STRIPE_WEBHOOK_BODY_LIMIT_BYTES = 512 * 1024;

export function webhookRoutes(stripeWebhooks: StripeWebhookService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/webhooks/stripe',
      operationId: 'receiveStripeWebhook',
      summary: 'Stripe event delivery',
      description:
        'Called by Stripe, signed with the endpoint secret (Stripe-Signature header, 5 minutes tolerance). A redelivered event answers 200 without being processed again.',
      tags: ['webhooks'],
      access: 'public',
      rawBody: true,
      responses: { 200: { description: 'The event was taken in', schema: WebhookReceiptSchema } },
      errors: [413, 503],
      handler: async (ctx) => {
        const payload = await readRawBody(ctx.req, STRIPE_WEBHOOK_BODY_LIMIT_BYTES);
        const outcome = await stripeWebhooks.receive(payload, ctx.get('Stripe-Signature') || undefined);
        ctx.state.log.info({ stripeEventId: outcome.eventId, stripeEventType: outcome.type, duplicate: outcome.duplicate }, 'stripe webhook');
        ctx.body = { received: true, duplicate: outcome.duplicate };
      },
    }),
  ];
}
