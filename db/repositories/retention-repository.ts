import type { Knex } from 'knex';

/**
 * Deletes of rows kept only for a while, in batches (oldest first) so one statement never holds
 * locks on a whole table: processed Stripe event ids, sent emails and read notifications. Each answers how many it deleted.
 */
export class RetentionRepository {
  constructor(private readonly db: Knex) {}

  /** Stripe event ids (the webhook's de-duplication ledger) received before `before`. */
  async deleteStripeEventsBefore(before: Date, limit: number, trx?: Knex.Transaction): Promise<number> {
    return this.deleteOldest('stripe_events', 'received_at', (query) => query.where('received_at', '<', before), limit, trx);
  }

  /** Outbox emails sent before `before`; pending and failed ones stay. */
  async deleteSentEmailsBefore(before: Date, limit: number, trx?: Knex.Transaction): Promise<number> {
    return this.deleteOldest('email_outbox', 'sent_at', (query) => query.where({ status: 'sent' }).where('sent_at', '<', before), limit, trx);
  }

  /** In-app notifications created before `before` and read; unread ones stay, however old. */
  async deleteReadNotificationsBefore(before: Date, limit: number, trx?: Knex.Transaction): Promise<number> {
    return this.deleteOldest('notifications', 'created_at', (query) => query.whereNotNull('read_at').where('created_at', '<', before), limit, trx);
  }

  private async deleteOldest(table: string, column: string, where: (query: Knex.QueryBuilder) => void, limit: number, trx?: Knex.Transaction): Promise<number> {
    const db = trx ?? this.db;
    return db(table)
      .whereIn('ctid', db(table).select('ctid').where(where).orderBy(column).limit(limit))
      .delete();
  }
}
