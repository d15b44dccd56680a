/**
 * One trace for a booking request: the API's HTTP server span → the Temporal client's
 * update-with-start → the workflow run → an activity → its Stripe HTTP call and Postgres queries.
 * Spans go to an in-memory exporter; tracing starts before the stack exists (as the entry points
 * do), so the API, the worker and the instrumentations in this process are all traced.
 */
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../../integrations/telemetry/tracing.js';
// Types only (erased): the modules themselves load after tracing starts.
import type * as BookingStackModule from '../../support/booking-stack.js';
import type { BookingStack } from '../../support/booking-stack.js';
import type { ObservedWorker } from './observed-worker.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let support: typeof BookingStackModule;
let stack: BookingStack;
let worker: ObservedWorker;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  tracing = startTracing({ serviceName: 'tutorflow-test', exporter })!;
  // Loaded only now, so the clients they create are instrumented.
  support = await import('../../support/booking-stack.js');
  const { startObservedWorker } = await import('./observed-worker.js');
  stack = await support.startBookingStack();
  worker = await startObservedWorker(stack, tracing);
}, 120_000);
afterAll(async () => {
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
    const requested = await support.requestBooking(stack.api, alice, { tutorId: tutor.id, start: support.slotInDays(3), lengthMinutes: 60, paymentMethodId: support.TEST_CARD });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const bookingId = requested.body.bookingId as string;
    // The workflow's own span ends with the workflow: a decline closes the booking.
    expect((await support.call(stack.api, 'POST', `/api/bookings/${bookingId}/decline`, tutor, {})).status).toBe(200);
    await stack.api.container.resources.temporal.client.workflow.getHandle(`booking-${bookingId}`).result();

    const spans = await support.eventually(
      async () => exporter.getFinishedSpans(),
      (all) => all.some((span) => span.name.startsWith('RunWorkflow:')) && all.some((span) => span.name === 'RunActivity:authorizePayment'),
    );
    const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));

    const server = spans.find((span) => span.kind === SpanKind.SERVER && span.attributes['http.method'] === 'POST' && String(span.attributes['http.target'] ?? '').startsWith('/api/bookings'));
    expect(server, spans.map((span) => span.name).join(', ')).toBeDefined();
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
});
