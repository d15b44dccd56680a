/**
 * Intake of Stripe webhooks: verify the signature over the raw bytes, take each event once, and
 * hand it to whoever registered for its type. Other parts of the system (bookings: payment_intent.*)
 * add their handlers with registerStripeEventHandler; a type nobody handles is recorded and ignored.
 *
 * Exactly-once: the event id is inserted before the handler runs, so a redelivery (Stripe delivers
 * at least once) finds it and stops. If the handler fails, the id is removed again and the request
 * fails, so Stripe's retry processes it anew; handlers must therefore tolerate a partial earlier run.
 */
import type Stripe from 'stripe';
import type { StripeEventRepository } from '../../db/repositories/stripe-event-repository.js';
import { AppError } from '../../domain/errors.js';
import { WEBHOOK_TOLERANCE_SECONDS, type StripeClient } from '../../integrations/stripe.js';

export type StripeEventHandler = (event: Stripe.Event) => Promise<void>;

export interface WebhookOutcome {
  eventId: string;
  type: string;
  /** True when the event had been taken in before: nothing was done this time. */
  duplicate: boolean;
}

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
    if (!(await this.events.recordIfNew({ id: event.id, type: event.type }))) {
      return { eventId: event.id, type: event.type, duplicate: true };
    }
    try {
      for (const handler of this.handlers.get(event.type) ?? []) await handler(event);
    } catch (error) {
      await this.events.forget(event.id);
      throw error;
    }
    return { eventId: event.id, type: event.type, duplicate: false };
  }
}
