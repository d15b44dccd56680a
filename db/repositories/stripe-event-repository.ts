import type { Knex } from 'knex';

/** The ledger of Stripe events taken in, which is what makes webhook delivery exactly-once for us. */
export class StripeEventRepository {
  constructor(private readonly db: Knex) {}

  /** True when this call recorded the event; false when it was recorded before (a redelivery). */
  async recordIfNew(event: { id: string; type: string }, trx?: Knex.Transaction): Promise<boolean> {
    const inserted = await (trx ?? this.db)('stripe_events').insert({ id: event.id, type: event.type }).onConflict('id').ignore().returning('id');
    return inserted.length > 0;
  }

  /** Forgets an event whose handling failed, so Stripe's next delivery is processed again. */
  async forget(id: string, trx?: Knex.Transaction): Promise<void> {
    await (trx ?? this.db)('stripe_events').where({ id }).delete();
  }

  async exists(id: string, trx?: Knex.Transaction): Promise<boolean> {
    return (await (trx ?? this.db)('stripe_events').where({ id }).first('id')) !== undefined;
  }
}
