/**
 * One trace for a booking request: the API's HTTP server span → the Temporal client's
 * update-with-start → the workflow run → an activity → its Stripe HTTP call and Postgres queries.
 * Spans go to an in-memory exporter; tracing starts before the stack exists (as the entry points
 * do), so the API, the worker and the instrumentations in this process are all traced.
 */
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { buildApp } from '../../../api/app.js';
import { createLogger } from '../../../platform/logger.js';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../../integrations/telemetry/tracing.js';
// Types only (erased): the modules themselves load after tracing starts.
import type * as BookingStackModule from '../../support/booking-stack.js';
import type { BookingStack } from '../../support/booking-stack.js';
import type { ObservedWorker } from './observed-worker.js';

const exporter = new InMemorySpanExporter();
const workerLogs: LogEntry[] = [];
const apiLogs: Record<string, unknown>[] = [];
let tracing: Tracing;
let support: typeof BookingStackModule;
let stack: BookingStack;
let worker: ObservedWorker;
let loggedApi: BookingStack['api'];
let closeLoggedApi: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // The worker's log lines (SDK and activities), as the worker process hands them to pino.
  Runtime.install({ logger: new DefaultLogger('DEBUG', (entry) => void workerLogs.push(entry)) });
  tracing = startTracing({ serviceName: 'tutorflow-test', exporter })!;
  // Loaded only now, so the clients they create are instrumented.
  support = await import('../../support/booking-stack.js');
  const { startObservedWorker } = await import('./observed-worker.js');
  stack = await support.startBookingStack();
  worker = await startObservedWorker(stack, tracing);
  // The same app, logging through the production logger into apiLogs.
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => done(void apiLogs.push(JSON.parse(chunk.toString()))) });
  const logged = http.createServer(buildApp({ ...stack.api.container.app, logger: createLogger({ logLevel: 'info', environment: 'development' }, 'api', sink) }).callback());
  logged.listen(0, '127.0.0.1');
  await once(logged, 'listening');
  loggedApi = { ...stack.api, baseUrl: `http://127.0.0.1:${(logged.address() as AddressInfo).port}` };
  closeLoggedApi = () => new Promise<void>((resolve) => logged.close(() => resolve()));
}, 120_000);
afterAll(async () => {
  await closeLoggedApi?.();
  await worker?.stop();
  await stack?.close();
  await tracing?.shutdown();
});

/** The span and its ancestors, nearest first. */
function ancestry(span: ReadableSpan, byId: Map<string, ReadableSpan>): ReadableSpan[] {
  const chain = [span];
  for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? '')) chain.push(parent);
  return chain;
}

describe('tracing a booking request', () => {
  it('links the HTTP request, update-with-start, the workflow, its activities, Stripe and Postgres in one trace', async () => {
    const { db } = stack.api.container.resources;
    const tutor = await support.bookableTutor(db, stack.api.config);
    const alice = await support.student(db, stack.api.config);
    exporter.reset();
    const requested = await support.requestBooking(loggedApi, alice, { tutorId: tutor.id, start: support.slotInDays(3), lengthMinutes: 60, paymentMethodId: support.TEST_CARD });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const bookingId = requested.body.bookingId as string;
    // The workflow's own span ends with the workflow: a decline closes the booking.
    expect((await support.call(loggedApi, 'POST', `/api/bookings/${bookingId}/decline`, tutor, {})).status).toBe(200);
    await stack.api.container.resources.temporal.client.workflow.getHandle(`booking-${bookingId}`).result();

    const spans = await support.eventually(
      async () => exporter.getFinishedSpans(),
      (all) => all.some((span) => span.name.startsWith('RunWorkflow:')) && all.some((span) => span.name === 'RunActivity:authorizePayment'),
    );
    const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));

    const server = spans.find((span) => span.kind === SpanKind.SERVER && span.name === 'POST /api/bookings');
    expect(server, spans.map((span) => span.name).join(', ')).toBeDefined();
    expect(server!.attributes['http.route']).toBe('/api/bookings');
    const traceId = server!.spanContext().traceId;
    const inTrace = spans.filter((span) => span.spanContext().traceId === traceId);

    // Stripe's PaymentIntent call, made by the authorize activity, walks up to the HTTP request.
    const stripeCall = inTrace.find(
      (span) =>
        span.kind === SpanKind.CLIENT &&
        String(span.attributes['http.url'] ?? '').includes('/v1/payment_intents') &&
        byId.get(span.parentSpanId ?? '')?.name === 'RunActivity:authorizePayment',
    );
    expect(stripeCall, inTrace.map((span) => span.name).join(', ')).toBeDefined();
    const names = ancestry(stripeCall!, byId).map((span) => span.name);
    expect(names).toEqual([
      stripeCall!.name,
      'RunActivity:authorizePayment',
      'StartActivity:authorizePayment',
      'RunWorkflow:bookingWorkflow',
      'UpdateWithStartWorkflow:submit',
      ...ancestry(server!, byId).map((span) => span.name),
    ]);

    // Postgres queries of the workflow's activities (the row the exclusion constraint guards) are in it too.
    const query = inTrace.find((span) => span.attributes['db.system'] === 'postgresql' && ancestry(span, byId).some((parent) => parent.name.startsWith('RunActivity:')));
    expect(query, inTrace.map((span) => span.name).join(', ')).toBeDefined();
    expect(ancestry(query!, byId).at(-1)).toBe(ancestry(server!, byId).at(-1));
  });

  it('puts requestId, bookingId, workflowId and the trace id on the API’s and the worker’s log lines', async () => {
    const { db } = stack.api.container.resources;
    const tutor = await support.bookableTutor(db, stack.api.config);
    const alice = await support.student(db, stack.api.config);
    exporter.reset();
    const requested = await support.requestBooking(loggedApi, alice, { tutorId: tutor.id, start: support.slotInDays(4), lengthMinutes: 60, paymentMethodId: support.TEST_CARD });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const bookingId = requested.body.bookingId as string;
    const accepted = await support.call(loggedApi, 'POST', `/api/bookings/${bookingId}/accept`, tutor, {});
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    const workflowId = `booking-${bookingId}`;
    const created = apiLogs.find((line) => line.msg === 'request' && line.method === 'POST' && line.path === '/api/bookings' && line.bookingId === bookingId);
    expect(created, JSON.stringify(apiLogs.slice(-3))).toMatchObject({ workflowId, requestId: expect.any(String), traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const accept = apiLogs.find((line) => line.msg === 'request' && line.path === `/api/bookings/${bookingId}/accept`);
    expect(accept).toMatchObject({ bookingId, workflowId, requestId: expect.any(String), traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(accept!.traceId).not.toBe(created!.traceId);

    // The worker's lines for this booking's activities carry the booking, its workflow and its trace:
    // the workflow runs in the trace of the request that started it, so its activities do too.
    const zoom = await support.eventually(
      async () => workerLogs.find((entry) => entry.message === 'created the Zoom meeting' && entry.meta?.workflowId === workflowId),
      (entry) => entry !== undefined,
    );
    expect(zoom!.meta).toMatchObject({ bookingId, workflowId, activityType: 'createMeeting', trace_id: created!.traceId });
    // Zoom's API (fetch, undici) is called inside the createMeeting activity's span, in the booking's trace.
    const zoomCall = await support.eventually(
      async () => exporter.getFinishedSpans().find((span) => span.kind === SpanKind.CLIENT && String(span.attributes['url.full'] ?? '').includes('/zoom/')),
      (span) => span !== undefined,
    );
    const spanIds = new Map(exporter.getFinishedSpans().map((span) => [span.spanContext().spanId, span]));
    expect(spanIds.get(zoomCall!.parentSpanId ?? '')?.name).toBe('RunActivity:createMeeting');
    expect(zoomCall!.spanContext().traceId).toBe(created!.traceId);
    // So is Brevo's (the emails of the notify activity).
    const brevoCall = await support.eventually(
      async () => {
        const finished = new Map(exporter.getFinishedSpans().map((span) => [span.spanContext().spanId, span]));
        return [...finished.values()].find((span) => String(span.attributes['url.full'] ?? span.attributes['http.url'] ?? '').includes('/brevo/') && finished.get(span.parentSpanId ?? '')?.name === 'RunActivity:notify');
      },
      (span) => span !== undefined,
    );
    expect(brevoCall!.spanContext().traceId).toBe(created!.traceId);

    // And the workflow's lines (through the workflow logger) name the booking too.
    const started = workerLogs.find((entry) => entry.message === 'Workflow started' && entry.meta?.workflowId === workflowId);
    expect(started?.meta).toMatchObject({ bookingId, workflowType: 'bookingWorkflow' });
  });
});
