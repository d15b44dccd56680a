/**
 * The one way the platform sends email: an outbox. A message is written (enqueue) in the same
 * transaction as the change that causes it, so it exists if and only if that change committed; it
 * is sent after the commit (deliverSoon), by whichever sender claims it first, and retried by the
 * outbox relay if Brevo could not take it. Claiming moves the row out of `pending` before Brevo is
 * called, so no message is ever sent twice; the dedupe key makes enqueueing idempotent, so a retried
 * request or activity does not write a second message.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { OutboxEmail } from '../../db/models/outbox-email.js';
import { OutboxEmailRepository } from '../../db/repositories/outbox-email-repository.js';
import { EmailDeliveryError, type EmailTransport } from '../../integrations/brevo.js';
import { checkTemplateParams, renderEmail, type TemplateName, type TemplateParams } from './templates/index.js';

export interface EmailMessage<N extends TemplateName = TemplateName> {
  /** Names the message for deduplication, e.g. `verify-email:<token id>` or `booking-reminder:<booking>:24h`. */
  dedupeKey: string;
  template: N;
  to: { email: string; name?: string | null };
  params: TemplateParams<N>;
  /** The params carry a secret (a sign-in link): they are erased once the message is sent or given up. */
  sensitive?: boolean;
}

export interface EmailSenderOptions {
  db: Knex;
  transport: EmailTransport;
  logger: Logger;
  /** The first retry waits this long; each later one twice as long as the one before. */
  retryIntervalMs: number;
  maxAttempts?: number;
}

const DEFAULT_MAX_ATTEMPTS = 8;
const MAX_BACKOFF_MS = 3_600_000;
const BATCH_SIZE = 20;

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

export class EmailSender {
  private readonly outbox: OutboxEmailRepository;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly maxAttempts: number;

  constructor(private readonly options: EmailSenderOptions) {
    this.outbox = new OutboxEmailRepository(options.db);
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  /** Writes the messages in the caller's transaction; returns each message's outbox row (new or already there). */
  async enqueue(messages: readonly EmailMessage[], trx?: Knex.Transaction): Promise<OutboxEmail[]> {
    return this.outbox.enqueue(
      messages.map((message) => ({
        dedupeKey: message.dedupeKey,
        template: message.template,
        recipientEmail: message.to.email,
        recipientName: message.to.name ?? null,
        params: checkTemplateParams(message.template, message.params),
        sensitive: message.sensitive ?? false,
      })),
      trx,
    );
  }

  /**
   * Starts sending these messages without waiting for Brevo; call it after the enqueueing
   * transaction committed. Failures stay in the outbox for the relay; nothing is thrown.
   */
  deliverSoon(ids: readonly string[]): void {
    if (ids.length === 0) return;
    const delivery = this.deliver(ids).catch((error: unknown) => this.options.logger.error({ err: error }, 'email delivery failed'));
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  /** Sends due messages (only the given ones, if any), batch after batch until none is left. */
  async deliver(ids?: readonly string[]): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
    for (;;) {
      const claimed = await this.outbox.claimDue({ now: new Date(), limit: BATCH_SIZE, ...(ids ? { ids } : {}) });
      for (const message of claimed) report[await this.send(message)] += 1;
      if (claimed.length < BATCH_SIZE) return report;
    }
  }

  /** Marks messages abandoned mid-send (their sender died) as failed; see OutboxEmailRepository.failAbandoned. */
  async failAbandoned(olderThanMs: number): Promise<number> {
    const now = new Date();
    return this.outbox.failAbandoned(new Date(now.getTime() - olderThanMs), now);
  }

  /** Resolves when every delivery started by deliverSoon has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async send(message: OutboxEmail): Promise<keyof DeliveryReport> {
    const log = this.options.logger.child({ outboxId: message.id, template: message.template, attempt: message.attempts });
    let delivery: EmailDeliveryError;
    try {
      const rendered = renderEmail(message.template, message.params);
      const { messageId } = await this.options.transport.send({
        to: { email: message.recipientEmail, ...(message.recipientName ? { name: message.recipientName } : {}) },
        ...rendered,
        tags: [message.template],
        headers: { 'X-Tutorflow-Message-Key': message.dedupeKey },
      });
      await this.outbox.markSent(message.id, messageId, new Date());
      log.info('email sent');
      return 'sent';
    } catch (error) {
      delivery = error instanceof EmailDeliveryError ? error : new EmailDeliveryError((error as Error).message ?? String(error), false, { cause: error });
    }
    const now = new Date();
    if (delivery.retryable && message.attempts < this.maxAttempts) {
      const backoff = Math.min(this.options.retryIntervalMs * 2 ** (message.attempts - 1), MAX_BACKOFF_MS);
      await this.outbox.markForRetry(message.id, delivery.message, new Date(now.getTime() + backoff), now);
      log.warn({ err: delivery, retryInMs: backoff }, 'email not sent; will retry');
      return 'retrying';
    }
    await this.outbox.markFailed(message.id, delivery.message, now);
    log.error({ err: delivery }, 'email not sent; giving up');
    return 'failed';
  }
}
