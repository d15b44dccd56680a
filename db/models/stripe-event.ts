import { BaseModel } from './base-model.js';

/** A Stripe event already taken in by the webhook (deduplication by Stripe's event id). */
export class StripeEvent extends BaseModel {
  static override tableName = 'stripe_events';

  id!: string;
  type!: string;
  receivedAt!: Date;
}
