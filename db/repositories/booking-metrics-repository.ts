/**
 * The aggregate reads behind the business metrics (api/metrics.ts), one query each, over the
 * bookings read model and the email outbox. Cheap enough to run on every scrape: they read indexed
 * columns of tables whose size grows with bookings, and Prometheus scrapes every 15–60 s.
 */
import type { Knex } from 'knex';

export interface BookingStatusCount {
  status: string;
  count: number;
}

export interface MoneyTotals {
  currency: string;
  /** Held on cards right now (authorized, not yet captured or released). */
  authorizedMinor: number;
  capturedMinor: number;
  refundedMinor: number;
  paidOutMinor: number;
}

export interface AttentionSummary {
  count: number;
  /** Seconds since the longest-waiting booking needed a person; 0 when none does. */
  oldestSeconds: number;
}

export class BookingMetricsRepository {
  private attentionColumns: Promise<boolean> | undefined;

  constructor(private readonly db: Knex) {}

  async countByStatus(): Promise<BookingStatusCount[]> {
    const rows: { status: string; count: string }[] = await this.db('bookings').select('status').count({ count: '*' }).groupBy('status');
    return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
  }

  async moneyTotals(): Promise<MoneyTotals[]> {
    const rows: Record<string, string>[] = await this.db('bookings')
      .select('currency')
      .select(this.db.raw("coalesce(sum(price_minor) filter (where payment_status = 'authorized'), 0) as authorized"))
      .sum({ captured: 'captured_minor', refunded: 'refunded_minor', paid_out: 'paid_out_minor' })
      .groupBy('currency');
    return rows.map((row) => ({
      currency: String(row.currency).trim(),
      authorizedMinor: Number(row.authorized ?? 0),
      capturedMinor: Number(row.captured ?? 0),
      refundedMinor: Number(row.refunded ?? 0),
      paidOutMinor: Number(row.paid_out ?? 0),
    }));
  }

  /**
   * Bookings flagged by the failure policy (`attention_reason` set). Undefined while the schema has
   * no attention columns yet (a database migrated before they existed).
   */
  async attention(): Promise<AttentionSummary | undefined> {
    if (!(await (this.attentionColumns ??= this.hasAttentionColumns()))) return undefined;
    const row: { count: string; oldest: string | null } | undefined = await this.db('bookings')
      .whereNotNull('attention_reason')
      .first(this.db.raw('count(*) as count'), this.db.raw('extract(epoch from now() - min(attention_since)) as oldest'));
    return { count: Number(row?.count ?? 0), oldestSeconds: Math.max(0, Number(row?.oldest ?? 0)) };
  }

  /** Emails not yet sent (pending or being sent). */
  async outboxDepth(): Promise<number> {
    const row = await this.db('email_outbox').whereIn('status', ['pending', 'sending']).count({ count: '*' }).first();
    return Number(row?.count ?? 0);
  }

  private async hasAttentionColumns(): Promise<boolean> {
    const rows: unknown[] = await this.db('information_schema.columns')
      .where({ table_schema: this.db.raw('current_schema()'), table_name: 'bookings' })
      .whereIn('column_name', ['attention_reason', 'attention_since'])
      .select('column_name');
    const found = rows.length === 2;
    // Asked again on the next scrape until the migration has run.
    if (!found) this.attentionColumns = undefined;
    return found;
  }
}
