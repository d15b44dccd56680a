/** Trace ids for log lines, without loading the tracing SDK (only the API, a no-op while tracing is off). */
import { trace } from '@opentelemetry/api';

/** The trace and span ids of the active span, for log lines (pino mixin). */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !trace.isSpanContextValid(context)) return undefined;
  return { traceId: context.traceId, spanId: context.spanId };
}
