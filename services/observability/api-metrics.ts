/**
 * The API process's metrics for Prometheus: its registry (HTTP, WebSocket, rate limits, webhook
 * lag, process) plus gauges read when Prometheus scrapes: bookings by status, money by kind and
 * currency, bookings needing attention, the email outbox's depth (the Postgres read model), and the
 * pollers on the booking task queue (Temporal). All API instances read the same database, so
 * dashboards aggregate these with max, not sum.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { Gauge, Registry } from 'prom-client';
import { BookingMetricsRepository } from '../../db/repositories/booking-metrics-repository.js';
import type { Config } from '../../domain/config.js';
import { SCRAPE_TIME_METRICS, apiRegistry, collectProcessMetrics } from '../../integrations/telemetry/metrics.js';
import { describeTaskQueuePollers, type TemporalClient } from '../../integrations/temporal.js';

const PROBE_TIMEOUT_MS = 2_000;

/** A read that fails leaves its gauge out of that scrape (and is logged), never the rest. */
export class ApiMetrics {
  private readonly registry = new Registry();

  constructor(resources: { db: Knex; temporal: TemporalClient }, config: Pick<Config, 'temporal'>, logger: Logger) {
    collectProcessMetrics(apiRegistry);
    const reads = new BookingMetricsRepository(resources.db);
    const registers = [this.registry];
    const guarded = (name: string, read: () => Promise<void>) => async () => {
      try {
        await read();
      } catch (error) {
        // No stale value: the series is absent from this scrape.
        (this.registry.getSingleMetric(name) as Gauge | undefined)?.reset();
        logger.warn({ err: error, metric: name }, 'metric read failed');
      }
    };
    const bookings: Gauge<'status'> = new Gauge({
      name: SCRAPE_TIME_METRICS.bookings,
      help: 'Bookings in the read model, by status',
      labelNames: ['status'],
      registers,
      collect: guarded(SCRAPE_TIME_METRICS.bookings, async () => {
        const counts = await reads.countByStatus();
        bookings.reset();
        for (const { status, count } of counts) bookings.set({ status }, count);
      }),
    });
    const money: Gauge<'kind' | 'currency'> = new Gauge({
      name: SCRAPE_TIME_METRICS.money,
      help: 'Money over all bookings, in minor units: authorized (held now), captured, refunded, paid_out',
      labelNames: ['kind', 'currency'],
      registers,
      collect: guarded(SCRAPE_TIME_METRICS.money, async () => {
        const totals = await reads.moneyTotals();
        money.reset();
        for (const total of totals) {
          money.set({ kind: 'authorized', currency: total.currency }, total.authorizedMinor);
          money.set({ kind: 'captured', currency: total.currency }, total.capturedMinor);
          money.set({ kind: 'refunded', currency: total.currency }, total.refundedMinor);
          money.set({ kind: 'paid_out', currency: total.currency }, total.paidOutMinor);
        }
      }),
    });
    const attention: Gauge = new Gauge({
      name: SCRAPE_TIME_METRICS.attention,
      help: 'Bookings the failure policy flagged for a person (attention_reason set)',
      registers,
      collect: guarded(SCRAPE_TIME_METRICS.attention, async () => {
        const summary = await reads.attention();
        // No value until the attention columns exist: absent, not a reassuring 0.
        attention.reset();
        if (summary) attention.set(summary.count);
      }),
    });
    const attentionOldest: Gauge = new Gauge({
      name: SCRAPE_TIME_METRICS.attentionOldest,
      help: 'Seconds since the longest-waiting booking that needs a person was flagged (0 when none)',
      registers,
      collect: guarded(SCRAPE_TIME_METRICS.attentionOldest, async () => {
        const summary = await reads.attention();
        attentionOldest.reset();
        if (summary) attentionOldest.set(summary.oldestSeconds);
      }),
    });
    const outbox: Gauge = new Gauge({
      name: SCRAPE_TIME_METRICS.outboxDepth,
      help: 'Emails in the outbox not yet sent (pending or sending)',
      registers,
      collect: guarded(SCRAPE_TIME_METRICS.outboxDepth, async () => outbox.set(await reads.outboxDepth())),
    });
    const pollers: Gauge<'task_queue' | 'task_type'> = new Gauge({
      name: SCRAPE_TIME_METRICS.taskQueuePollers,
      help: 'Workers polling the booking task queue, by task type, as Temporal reports them',
      labelNames: ['task_queue', 'task_type'],
      registers,
      collect: guarded(SCRAPE_TIME_METRICS.taskQueuePollers, async () => {
        const taskQueue = config.temporal.taskQueue;
        const counts = await describeTaskQueuePollers(resources.temporal.connection, config.temporal.namespace, taskQueue, PROBE_TIMEOUT_MS);
        pollers.set({ task_queue: taskQueue, task_type: 'workflow' }, counts.workflowPollers);
        pollers.set({ task_queue: taskQueue, task_type: 'activity' }, counts.activityPollers);
      }),
    });
  }

  get contentType(): string {
    return apiRegistry.contentType;
  }

  /** The Prometheus text exposition of every API metric. */
  async text(): Promise<string> {
    return Registry.merge([apiRegistry, this.registry]).metrics();
  }
}
