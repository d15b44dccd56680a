/**
 * OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_TRACES_ENDPOINT names a collector (or a
 * test hands in an exporter). One trace runs from the HTTP request (http instrumentation; the
 * metrics middleware names the server span by its route template) through the Temporal client's
 * update-with-start (its interceptor, integrations/temporal.ts), the workflow and its activities
 * (the worker's interceptors and the workflow span sink, see workerTracing) to Stripe's HTTP calls
 * (http), Zoom and Brevo (undici: fetch) and Postgres (pg).
 *
 * Why the OpenTelemetry 1.x line, and no koa/ioredis instrumentation: @temporalio/interceptors-
 * opentelemetry 1.24 is built on sdk-trace-base 1.x, and the contrib instrumentations of that line
 * support koa < 3 and ioredis < 6 only (this code base runs koa 3 and ioredis 6); their releases
 * that do need the 2.x SDK and an ESM loader hook.
 *
 * Call startTracing first thing in a process, before the clients are created: the instrumentations
 * patch modules as they are loaded (CommonJS `require`, which is how knex loads pg) and the shared
 * `http` module object (which Stripe and our servers use).
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, WorkerOptions } from '@temporalio/worker';

const require = createRequire(import.meta.url);

/** The workflow-side interceptors (spans for the workflow, its activities and timers), bundled into the workflow code. */
export const WORKFLOW_TRACING_INTERCEPTORS = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export interface Tracing {
  readonly resource: Resource;
  readonly processor: SpanProcessor;
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP traces endpoint; empty = off. */
  otlpEndpoint?: string;
  /** Instead of OTLP (tests: an in-memory exporter), exported span by span. */
  exporter?: SpanExporter;
}

let started: Tracing | undefined;

/** Starts tracing for this process once; undefined when it is off (no endpoint, no exporter). */
export function startTracing(options: TracingOptions): Tracing | undefined {
  if (started) return started;
  if (!options.exporter && !options.otlpEndpoint) return undefined;
  const resource = new Resource({ 'service.name': options.serviceName });
  const processor = options.exporter ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(new OTLPTraceExporter({ url: options.otlpEndpoint }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // Global tracer provider, AsyncLocalStorage context, W3C trace-context propagation.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url === '/metrics' }),
      new UndiciInstrumentation(),
      new PgInstrumentation(),
    ],
  });
  // Node's built-in http is patched when it is required: do it now, and carry the patched
  // functions over to ESM named imports (`import { request } from 'node:http'`).
  require('node:http');
  require('node:https');
  syncBuiltinESMExports();
  started = { resource, processor, shutdown: () => provider.shutdown() };
  return started;
}

/**
 * What the booking worker adds to Worker.create for tracing: the activity interceptors (a span per
 * attempt, child of the workflow's; trace ids on activity log lines) and the sink that exports the
 * workflow's spans. The workflow interceptor module itself is in the bundle (workers/workflow-source.ts).
 * With tracing off the sink drops spans, so the same bundle runs either way.
 */
export function workerTracing(tracing: Tracing | undefined): { activity: ActivityInterceptorsFactory[]; sinks: NonNullable<WorkerOptions['sinks']> } {
  const resource = tracing?.resource ?? new Resource({ 'service.name': 'tutorflow-worker' });
  return {
    activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    sinks: { exporter: makeWorkflowExporter(tracing?.processor ?? new NoopSpanProcessor(), resource) },
  };
}
