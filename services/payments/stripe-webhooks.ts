/**
 * Intake of Stripe webhooks: verify the signature over the raw bytes, then process each event at
 * least once and, as far as our own writes go, exactly once. Other parts of the system (bookings:
 * payment_intent.*) add their handlers with registerStripeEventHandler; a type nobody handles is
 * recorded and ignored.
 *
 * An event counts as processed only after its handlers succeed: its id is recorded in the same
 * transaction the handlers write in (they get it as `trx`) and committed with them. A handler that
 * throws, or a process that dies half-way, leaves nothing recorded; the request fails (or never
 * answers) and Stripe's redelivery processes the event anew. So handlers must be idempotent about
 * what lies outside that transaction: a signal to a booking's workflow may arrive twice, and the
 * workflow's own state ignores the repeat. A second delivery of an event still being processed
 * waits for the first (a duplicate once it commits; processed anew if it fails) and, past
 * CONCURRENT_DELIVERY_WAIT_MS, answers 503 so that Stripe delivers it again later.
 */
import type { Knex } from 'knex';
import type Stripe from 'stripe';
import type { StripeEventRepository } from '../../db/repositories/stripe-event-repository.js';
import { AppError } from '../../domain/errors.js';
import { WEBHOOK_TOLERANCE_SECONDS, type StripeClient } from '../../integrations/stripe.js';
import { stripeWebhookLag } from '../../integrations/telemetry/metrics.js';
/** What a handler gets besides the event: the transaction the event's record commits with. */
export interface StripeEventContext {
  trx: Knex.Transaction;
}

export type StripeEventHandler = (event: Stripe.Event, context: StripeEventContext) => Promise<void>;

export interface WebhookOutcome {
  eventId: string;
  type: string;
  /** True when the event had been processed before: nothing was done this time. */
  duplicate: boolean;
}

/** How long a delivery waits for another delivery of the same event to finish. */
export const CONCURRENT_DELIVERY_WAIT_MS = 5_000;
const RETRY_AFTER_SECONDS = 5;

export class StripeWebhookService {
  private readonly handlers = new Map<string, StripeEventHandler[]>();

  constructor(
    private readonly stripe: StripeClient,
    private readonly events: StripeEventRepository,
    private readonly webhookSecret: string,
  ) {}

  registerStripeEventHandler(type: string, handler: StripeEventHandler): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
  }

  async receive(payload: Buffer, signature: string | undefined): Promise<WebhookOutcome> {
    if (!signature) throw AppError.invalidInput('The Stripe-Signature header is missing');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(payload, signature, this.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
    } catch (error) {
      // Tampered, signed with another secret, or older than the tolerance (a replay).
      throw new AppError('invalid_input', 'The webhook signature does not verify', { cause: error });
    }
    stripeWebhookLag.observe(Math.max(0, Date.now() / 1000 - event.created));
    const handlers = this.handlers.get(event.type) ?? [];
    const claim = await this.events.processOnce(
      { id: event.id, type: event.type },
      async (trx) => {
        for (const handler of handlers) await handler(event, { trx });
      },
      CONCURRENT_DELIVERY_WAIT_MS,
    );
    if (claim === 'busy') {
      // Most often another delivery of the same event still at work; or a handler's own lock wait.
      throw new AppError('unavailable', `Stripe event ${event.id} cannot be processed now (another delivery of it is still at work); deliver it again later`, {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    return { eventId: event.id, type: event.type, duplicate: claim === 'duplicate' };
  }
}
