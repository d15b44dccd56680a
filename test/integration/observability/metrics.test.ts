/**
 * Metrics on the real stack: a booking through the API and a worker built like the production one,
 * then the API's /metrics (private listener), the worker's /metrics, /healthz, /readyz, and the
 * Temporal SDK's own Prometheus endpoint.
 */
import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsRoute } from '../../../api/metrics.js';
import { ApiMetrics } from '../../../services/observability/api-metrics.js';
import { startMetricsServer, type MetricsServer } from '../../../integrations/telemetry/endpoint.js';
import { TEMPORAL_SDK_METRICS } from '../../../integrations/telemetry/metrics.js';
import { freePort } from '../../../scripts/stack/util/free-port.js';
import { bookableTutor, type BookingStack, call, eventually, requestBooking, slotInDays, startBookingStack, student } from '../../support/booking-stack.js';
import type { TestUser } from '../../support/fixtures.js';
import { startObservedWorker, type ObservedWorker } from './observed-worker.js';

let stack: BookingStack;
let worker: ObservedWorker;
let metrics: MetricsServer;
let sdkMetricsUrl: string;
let tutor: TestUser;
let alice: TestUser;

beforeAll(async () => {
  // The SDK's Prometheus exporter is a Runtime option: installed before any connection exists.
  const sdkPort = await freePort();
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkPort}` } } } });
  sdkMetricsUrl = `http://127.0.0.1:${sdkPort}/metrics`;
  stack = await startBookingStack();
  worker = await startObservedWorker(stack);
  metrics = await startMetricsServer('127.0.0.1', 0, metricsRoute(new ApiMetrics(stack.api.container.resources, stack.api.config, pino({ level: 'silent' }))), pino({ level: 'silent' }));
  const { db } = stack.api.container.resources;
  tutor = await bookableTutor(db, stack.api.config);
  alice = await student(db, stack.api.config);
}, 120_000);
afterAll(async () => {
  await metrics?.close();
  await worker?.stop();
  await stack?.close();
});

const scrape = async (url: string) => {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
};

/** The value of one sample, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('the API /metrics after a booking', () => {
  it('counts requests under their route template, and shows bookings, money, outbox and pollers from the read model', async () => {
    const requested = await requestBooking(stack.api, alice, { tutorId: tutor.id, start: slotInDays(3), lengthMinutes: 60, paymentMethodId: 'pm_card_visa' }, randomUUID());
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const bookingId = requested.body.bookingId as string;
    expect((await call(stack.api, 'GET', `/api/bookings/${bookingId}`, alice)).status).toBe(200);
    expect((await call(stack.api, 'GET', `/api/bookings/${randomUUID()}`, alice)).status).toBe(404);

    const text = await scrape(`${metrics.url}/metrics`);
    expect(sample(text, 'tutorflow_http_request_duration_seconds_count', { method: 'POST', route: '/api/bookings', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tutorflow_http_request_duration_seconds_bucket', { route: '/api/bookings', le: '+Inf' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tutorflow_http_requests_total', { method: 'GET', route: '/api/bookings/:id', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tutorflow_http_requests_total', { method: 'GET', route: '/api/bookings/:id', status: '404' })).toBeGreaterThanOrEqual(1);
    // Route templates only: no booking id ever becomes a label value.
    expect(text).not.toContain(bookingId);

    expect(sample(text, 'tutorflow_bookings', { status: 'REQUESTED' })).toBe(1);
    expect(sample(text, 'tutorflow_booking_money_minor', { kind: 'authorized', currency: 'EUR' })).toBe(6_000);
    expect(sample(text, 'tutorflow_booking_money_minor', { kind: 'captured', currency: 'EUR' })).toBe(0);
    expect(sample(text, 'tutorflow_email_outbox_depth')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'tutorflow_task_queue_pollers', { task_queue: stack.taskQueue, task_type: 'workflow' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tutorflow_task_queue_pollers', { task_queue: stack.taskQueue, task_type: 'activity' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tutorflow_process_resident_memory_bytes')).toBeGreaterThan(0);

    // The tutor accepts: the capture shows as money captured and the booking as SCHEDULED.
    expect((await call(stack.api, 'POST', `/api/bookings/${bookingId}/accept`, tutor, {})).status).toBe(200);
    const after = await scrape(`${metrics.url}/metrics`);
    expect(sample(after, 'tutorflow_bookings', { status: 'SCHEDULED' })).toBe(1);
    expect(sample(after, 'tutorflow_booking_money_minor', { kind: 'captured', currency: 'EUR' })).toBe(6_000);
    expect(sample(after, 'tutorflow_booking_money_minor', { kind: 'authorized', currency: 'EUR' })).toBe(0);
  });

  it('counts bookings needing attention from the read model’s attention flag', async () => {
    const { db } = stack.api.container.resources;
    const columns = await db('information_schema.columns').where({ table_name: 'bookings' }).whereIn('column_name', ['attention_reason', 'attention_since']).pluck('column_name');
    const text = await scrape(`${metrics.url}/metrics`);
    // The metric is always declared; without the attention columns (an older schema) it has no value.
    expect(text).toContain('# TYPE tutorflow_bookings_needing_attention gauge');
    if (columns.length < 2) {
      expect(sample(text, 'tutorflow_bookings_needing_attention')).toBeUndefined();
      return;
    }
    expect(sample(text, 'tutorflow_bookings_needing_attention')).toBe(0);
    const [row] = await db('bookings').select('id').limit(1);
    await db('bookings').where({ id: row.id }).update({ attention_reason: 'capture refused', attention_since: db.raw("now() - interval '10 minutes'") });
    const flagged = await scrape(`${metrics.url}/metrics`);
    expect(sample(flagged, 'tutorflow_bookings_needing_attention')).toBe(1);
    expect(sample(flagged, 'tutorflow_booking_attention_oldest_seconds')).toBeGreaterThanOrEqual(600);
    await db('bookings').where({ id: row.id }).update({ attention_reason: null, attention_since: null });
  });
});

describe('the worker', () => {
  it('counts activity outcomes by activity type, and says it is live and ready', async () => {
    await eventually(
      () => scrape(`${worker.health.url}/metrics`),
      (text) => (sample(text, 'tutorflow_activity_executions_total', { outcome: 'completed' }) ?? 0) >= 1,
    );
    const text = await scrape(`${worker.health.url}/metrics`);
    expect(text).toMatch(/tutorflow_activity_executions_total\{activity_type="[A-Za-z]+",outcome="completed",failure_class=""\} \d+/);
    expect(sample(text, 'tutorflow_worker_ready', { task_queue: stack.taskQueue })).toBe(1);

    const live = await fetch(`${worker.health.url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok' });
    const ready = await fetch(`${worker.health.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, state: 'RUNNING', temporal: 'up', taskQueue: stack.taskQueue });
  });

  it('exports the Temporal SDK’s runtime metrics the dashboard uses', async () => {
    const text = await scrape(sdkMetricsUrl);
    const names = new Set(text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(/[{ ]/)[0]!.replace(/_(bucket|sum|count|total)$/, '')));
    for (const name of TEMPORAL_SDK_METRICS) expect(names, name).toContain(name);
  });
});

describe('failures, as the metrics tell them', () => {
  it('counts a retried Stripe error as transient, a refusal as permanent, and the booking it leaves needing attention', { timeout: 60_000 }, async () => {
    const { db } = stack.api.container.resources;
    const bob = await student(db, stack.api.config);
    // 500s on the authorization, one more than the Stripe SDK's own retries: the activity attempt
    // fails once, Temporal retries it, and the booking goes on.
    stack.stripe.failNext(3, 500, undefined, { method: 'POST', path: '/v1/payment_intents' });
    const requested = await requestBooking(stack.api, bob, { tutorId: tutor.id, start: slotInDays(9), lengthMinutes: 60, paymentMethodId: 'pm_card_visa' }, randomUUID());
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const bookingId = requested.body.bookingId as string;
    expect((await call(stack.api, 'POST', `/api/bookings/${bookingId}/accept`, tutor, {})).status).toBe(200);
    // Stripe refuses the refund for good: a permanent failure, and the booking needs a person.
    stack.stripe.failNext(1, 400, { error: { type: 'invalid_request_error', code: 'charge_disputed', message: 'This charge is disputed.' } }, { method: 'POST', path: '/v1/refunds' });
    expect((await call(stack.api, 'POST', `/api/bookings/${bookingId}/cancel`, tutor, { reason: 'Ill' })).status).toBe(200);

    const workerText = await eventually(
      () => scrape(`${worker.health.url}/metrics`),
      (text) => /outcome="failed",failure_class="permanent"\} [1-9]/.test(text),
    );
    expect(sample(workerText, 'tutorflow_activity_executions_total', { activity_type: 'authorizePayment', outcome: 'failed', failure_class: 'transient' })).toBeGreaterThanOrEqual(1);
    expect(sample(workerText, 'tutorflow_activity_executions_total', { activity_type: 'authorizePayment', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(workerText).toMatch(/tutorflow_activity_executions_total\{activity_type="\w*[Rr]efund\w*",outcome="failed",failure_class="permanent"\} 1/);

    const apiText = await eventually(
      () => scrape(`${metrics.url}/metrics`),
      (text) => (sample(text, 'tutorflow_bookings_needing_attention') ?? 0) >= 1,
    );
    expect(sample(apiText, 'tutorflow_bookings_needing_attention')).toBeGreaterThanOrEqual(1);
  });
});
