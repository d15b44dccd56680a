import type { Knex } from 'knex';
import { OutboxEmail } from '../models/outbox-email.js';

export interface NewOutboxEmail {
  dedupeKey: string;
  template: string;
  recipientEmail: string;
  recipientName?: string | null;
  params: Record<string, unknown>;
  sensitive?: boolean;
}

const TABLE = 'email_outbox';
/** Params of a sensitive message are dropped once it leaves the pending state. */
const REDACTED_PARAMS = "case when sensitive then '{}'::jsonb else params end";

/** Every query on the email outbox. */
export class OutboxEmailRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Adds the messages unless a message with the same dedupe key exists; returns the row of each key,
   * new or old, so a retried caller learns which message stands for its request.
   */
  async enqueue(messages: readonly NewOutboxEmail[], trx?: Knex.Transaction): Promise<OutboxEmail[]> {
    if (messages.length === 0) return [];
    const db = trx ?? this.db;
    await db(TABLE)
      .insert(
        messages.map((message) => ({
          dedupe_key: message.dedupeKey,
          template: message.template,
          recipient_email: message.recipientEmail,
          recipient_name: message.recipientName ?? null,
          params: JSON.stringify(message.params),
          sensitive: message.sensitive ?? false,
        })),
      )
      .onConflict('dedupe_key')
      .ignore();
    return OutboxEmail.query(db).whereIn('dedupe_key', messages.map((message) => message.dedupeKey));
  }

  async findByIds(ids: readonly string[], trx?: Knex.Transaction): Promise<OutboxEmail[]> {
    if (ids.length === 0) return [];
    return OutboxEmail.query(trx ?? this.db).whereIn('id', ids);
  }

  async findByDedupeKeys(keys: readonly string[], trx?: Knex.Transaction): Promise<OutboxEmail[]> {
    if (keys.length === 0) return [];
    return OutboxEmail.query(trx ?? this.db).whereIn('dedupe_key', keys);
  }

  /**
   * Moves due pending messages (optionally only the given ones) to `sending` and returns them.
   * Rows another sender is claiming are skipped, never waited for, so concurrent senders share the
   * work and no message is claimed twice.
   */
  async claimDue(options: { now: Date; limit: number; ids?: readonly string[] }): Promise<OutboxEmail[]> {
    const due = this.db(TABLE)
      .select('id')
      .where('status', 'pending')
      .where('next_attempt_at', '<=', options.now)
      .orderBy('next_attempt_at')
      .limit(options.limit)
      .forUpdate()
      .skipLocked();
    if (options.ids) due.whereIn('id', options.ids);
    const rows: Record<string, unknown>[] = await this.db(TABLE)
      .whereIn('id', due)
      .update({ status: 'sending', claimed_at: options.now, updated_at: options.now, attempts: this.db.raw('attempts + 1') })
      .returning('*');
    return rows.map((row) => OutboxEmail.fromDatabaseJson(row));
  }

  async markSent(id: string, providerMessageId: string | null, now: Date): Promise<void> {
    await this.db(TABLE)
      .where({ id, status: 'sending' })
      .update({ status: 'sent', sent_at: now, updated_at: now, provider_message_id: providerMessageId, last_error: null, params: this.db.raw(REDACTED_PARAMS) });
  }

  /** Back to pending: Brevo said no in a way that a later attempt may change. */
  async markForRetry(id: string, error: string, nextAttemptAt: Date, now: Date): Promise<void> {
    await this.db(TABLE)
      .where({ id, status: 'sending' })
      .update({ status: 'pending', next_attempt_at: nextAttemptAt, claimed_at: null, last_error: error, updated_at: now });
  }

  async markFailed(id: string, error: string, now: Date): Promise<void> {
    await this.db(TABLE)
      .where({ id, status: 'sending' })
      .update({ status: 'failed', last_error: error, updated_at: now, params: this.db.raw(REDACTED_PARAMS) });
  }

  /**
   * A message left in `sending` by a process that died mid-send may or may not have gone out.
   * Sending it again could deliver it twice, so it is marked failed for people to look at.
   */
  async failAbandoned(claimedBefore: Date, now: Date): Promise<number> {
    return this.db(TABLE)
      .where('status', 'sending')
      .where('claimed_at', '<', claimedBefore)
      .update({
        status: 'failed',
        last_error: 'interrupted while sending; not retried automatically so it cannot be delivered twice',
        updated_at: now,
        params: this.db.raw(REDACTED_PARAMS),
      });
  }
}
