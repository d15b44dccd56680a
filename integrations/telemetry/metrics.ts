/**
 * Every Prometheus metric the code registers, defined once: the API process serves `apiRegistry`
 * (plus the business gauges it reads from Postgres at scrape time, see api/metrics.ts), the worker
 * serves `workerRegistry` beside the Temporal SDK's own metrics. The dashboard and alert rules in
 * deploy/observability/ may name only these (a test checks it). Labels stay low-cardinality: route
 * templates, never raw paths or ids.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const apiRegistry = new Registry();
export const workerRegistry = new Registry();

const api = { registers: [apiRegistry] };
const worker = { registers: [workerRegistry] };

export const httpRequests = new Counter({
  name: 'tutorflow_http_requests_total',
  help: 'HTTP requests answered, by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  ...api,
});

export const httpRequestDuration = new Histogram({
  name: 'tutorflow_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ...api,
});

export const rateLimitRefusals = new Counter({
  name: 'tutorflow_rate_limit_refusals_total',
  help: 'Requests or WebSocket frames refused by a rate limit, by limit name (general, login, registration, realtime…)',
  labelNames: ['limit'] as const,
  ...api,
});

export const wsConnections = new Gauge({
  name: 'tutorflow_ws_connections',
  help: 'WebSocket connections open on this process',
  ...api,
});

export const wsConnectionsOpened = new Counter({
  name: 'tutorflow_ws_connections_opened_total',
  help: 'WebSocket connections accepted (authenticated at the upgrade)',
  ...api,
});

export const wsFramesReceived = new Counter({
  name: 'tutorflow_ws_frames_received_total',
  help: 'Frames received from WebSocket clients, by client event type (invalid: not a protocol frame)',
  labelNames: ['type'] as const,
  ...api,
});

export const wsDeliveries = new Counter({
  name: 'tutorflow_ws_deliveries_total',
  help: 'Events delivered to WebSocket clients, by server event type',
  labelNames: ['type'] as const,
  ...api,
});

/** Fine buckets: the realtime target is a delivery p99 under 50 ms. */
const REALTIME_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export const wsMessageSendDuration = new Histogram({
  name: 'tutorflow_ws_message_send_seconds',
  help: 'Where a message.send frame spends its time on the sender\'s instance, by stage: queued (frame received to handled, behind the connection\'s earlier frames), stored (checks and the insert transaction, pool wait included), delivered (frame received to message.new handed to local sockets and published)',
  labelNames: ['stage'] as const,
  buckets: REALTIME_BUCKETS,
  ...api,
});

export const wsFanOutLag = new Histogram({
  name: 'tutorflow_ws_fanout_lag_seconds',
  help: 'Time from an event\'s publish on one realtime instance to its receipt on another (Redis pub/sub; hosts\' clocks assumed in sync)',
  buckets: REALTIME_BUCKETS,
  ...api,
});

export const dbPoolAcquireDuration = new Histogram({
  name: 'tutorflow_db_pool_acquire_seconds',
  help: 'Time a query or transaction waited for a connection from this process\'s Postgres pool',
  buckets: REALTIME_BUCKETS,
  ...api,
});

export const wsHeartbeatDuration = new Histogram({
  name: 'tutorflow_ws_heartbeat_seconds',
  help: 'One heartbeat round of a realtime instance, by step: ping (every socket), presence (Redis refresh), last_seen (Postgres), sessions (revocation checks)',
  labelNames: ['step'] as const,
  buckets: [...REALTIME_BUCKETS, 10, 30],
  ...api,
});

export const stripeWebhookLag = new Histogram({
  name: 'tutorflow_stripe_webhook_lag_seconds',
  help: 'Time from a Stripe event’s creation to its intake by the webhook',
  buckets: [1, 5, 15, 60, 300, 900, 3600, 21600, 86400],
  ...api,
});

export const activityExecutions = new Counter({
  name: 'tutorflow_activity_executions_total',
  help: 'Activity attempts finished, by activity type, outcome (completed, failed, cancelled) and failure class',
  labelNames: ['activity_type', 'outcome', 'failure_class'] as const,
  ...worker,
});

export const activityDuration = new Histogram({
  name: 'tutorflow_activity_duration_seconds',
  help: 'Duration of one activity attempt, by activity type and outcome',
  labelNames: ['activity_type', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  ...worker,
});

export const workerReady = new Gauge({
  name: 'tutorflow_worker_ready',
  help: '1 while the worker is connected to Temporal and polling its task queue',
  labelNames: ['task_queue'] as const,
  ...worker,
});

/**
 * Business gauges and the task-queue check, read when the API is scraped (api/metrics.ts fills
 * them); named here so the dashboard test knows them.
 */
export const SCRAPE_TIME_METRICS = {
  bookings: 'tutorflow_bookings',
  money: 'tutorflow_booking_money_minor',
  attention: 'tutorflow_bookings_needing_attention',
  attentionOldest: 'tutorflow_booking_attention_oldest_seconds',
  outboxDepth: 'tutorflow_email_outbox_depth',
  taskQueuePollers: 'tutorflow_task_queue_pollers',
} as const;

/**
 * The Temporal SDK's worker metrics the dashboard and alerts use (Prometheus names as the SDK's
 * exporter writes them, prefix `temporal_`); test/integration/observability checks each appears on
 * a real worker's SDK endpoint.
 */
export const TEMPORAL_SDK_METRICS = [
  'temporal_num_pollers',
  'temporal_worker_task_slots_available',
  'temporal_request',
  'temporal_request_latency',
  'temporal_workflow_task_schedule_to_start_latency',
  'temporal_activity_schedule_to_start_latency',
  'temporal_activity_execution_latency',
] as const;

const withProcessMetrics = new WeakSet<Registry>();
/** Node process metrics (CPU, memory, event-loop lag, GC) on the given registry, once per registry. */
export function collectProcessMetrics(registry: Registry): void {
  if (withProcessMetrics.has(registry)) return;
  withProcessMetrics.add(registry);
  collectDefaultMetrics({ register: registry, prefix: 'tutorflow_' });
}

/** The events of knex's connection pool (tarn) that say how long an acquire waited. */
interface PoolEvents {
  on(event: 'acquireRequest', listener: (eventId: number) => void): unknown;
  on(event: 'acquireSuccess' | 'acquireFail', listener: (eventId: number) => void): unknown;
}

/** Records each acquire's wait in tutorflow_db_pool_acquire_seconds (a pool running dry shows here first). */
export function observePoolAcquires(pool: PoolEvents): void {
  const waiting = new Map<number, number>();
  pool.on('acquireRequest', (eventId) => waiting.set(eventId, performance.now()));
  const done = (eventId: number) => {
    const began = waiting.get(eventId);
    if (began === undefined) return;
    waiting.delete(eventId);
    dbPoolAcquireDuration.observe((performance.now() - began) / 1000);
  };
  pool.on('acquireSuccess', done);
  pool.on('acquireFail', done);
}
