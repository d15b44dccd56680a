/**
 * Sends what the email outbox still holds: messages whose first attempt failed (Brevo down, rate
 * limited) once their retry time comes, and messages whose sender stopped before trying. Several
 * processes may run a relay at once: claiming skips rows another one holds.
 */
import type { Logger } from 'pino';
import type { EmailSender } from './email-sender.js';

/** A message still `sending` after this long belongs to a sender that died mid-send. */
const ABANDONED_AFTER_MS = 10 * 60_000;

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly sender: EmailSender,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.runOnce().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async runOnce(): Promise<void> {
    try {
      await this.sender.failAbandoned(ABANDONED_AFTER_MS);
      const report = await this.sender.deliver();
      if (report.sent + report.retrying + report.failed > 0) this.logger.info(report, 'email outbox relayed');
    } catch (error) {
      this.logger.warn({ err: error }, 'email outbox relay failed; trying again next interval');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
