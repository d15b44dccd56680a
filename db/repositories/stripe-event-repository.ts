import type { Knex } from 'knex';

/** Postgres's lock_not_available: a lock wait ran past lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';

export type EventClaim = 'processed' | 'duplicate' | 'busy';

/**
 * The ledger of Stripe events processed. An event counts as processed only once its handlers have
 * succeeded: the row is inserted in the same transaction as the handlers' own writes and committed
 * with them, so a handler that fails, or a process that dies half-way, leaves no row and Stripe's
 * redelivery (at least once, for days) is processed anew.
 */
export class StripeEventRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Inserts the event's row, runs `handle` in the same transaction and commits both; 'duplicate'
   * (and `handle` not run) when the event was processed before. A concurrent delivery of the same
   * event waits on the uncommitted row: it is a duplicate once the first commits, and processed
   * anew if the first rolls back. 'busy' when that wait (or any lock wait of the handlers') passes
   * `lockTimeoutMs`; nothing is recorded then.
   */
  async processOnce(event: { id: string; type: string }, handle: (trx: Knex.Transaction) => Promise<void>, lockTimeoutMs: number): Promise<EventClaim> {
    try {
      return await this.db.transaction(async (trx) => {
        await trx.raw(`set local lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
        if (!(await this.recordIfNew(event, trx))) return 'duplicate';
        await handle(trx);
        return 'processed';
      });
    } catch (error) {
      if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return 'busy';
      throw error;
    }
  }

  /** True when this call recorded the event; false when it was recorded before (a redelivery). */
  async recordIfNew(event: { id: string; type: string }, trx?: Knex.Transaction): Promise<boolean> {
    const inserted = await (trx ?? this.db)('stripe_events').insert({ id: event.id, type: event.type }).onConflict('id').ignore().returning('id');
    return inserted.length > 0;
  }

  async exists(id: string, trx?: Knex.Transaction): Promise<boolean> {
    return (await (trx ?? this.db)('stripe_events').where({ id }).first('id')) !== undefined;
  }
}
