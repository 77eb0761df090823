import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  service: string;
  /** OTLP/HTTP endpoint (e.g. http://collector:4318); without it spans are recorded but not exported. */
  otlpEndpoint?: string;
  /** No tracer provider and no instrumentation at all: no spans, no trace ids in logs, no W3C context. */
  disabled?: boolean;
  /** Share of new traces recorded (`TRACES_SAMPLE_RATIO`); within a trace the caller's decision holds. 1 by default. */
  sampleRatio?: number;
}

let provider: TracerProvider | undefined;

/**
 * Makes `tracerProvider` the global one, with what it needs to follow a trace: the AsyncLocalStorage
 * context manager (within a process) and the W3C trace-context and baggage propagators (across HTTP,
 * Kafka headers and BullMQ jobs). Tests that record spans in memory register theirs through this too.
 */
export function registerTracerProvider(tracerProvider: TracerProvider): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(tracerProvider);
}

/**
 * Starts OpenTelemetry before Nest and the instrumented libraries load (call it first in main.ts,
 * then import the app). A tracer provider is always registered, so trace ids reach the logs and
 * W3C context crosses HTTP, Kafka headers and BullMQ jobs even when nothing is exported; spans leave
 * through a BatchSpanProcessor only when an OTLP endpoint is configured. Only traces are set up:
 * metrics are Prometheus' job and logs go to stdout.
 */
export function startTracing(options: TracingOptions): void {
  if (provider || options.disabled) {
    return;
  }
  const spanProcessors: SpanProcessor[] = options.otlpEndpoint
    ? [
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }),
        }),
      ]
    : [];
  provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.service }),
    // An unsampled trace still carries its ids (logs, W3C context); it only records no spans.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
    spanProcessors,
  });
  registerTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Outgoing node:http only (the Stripe SDK, JWKS fetches): requests coming in are traced by
      // the apps' own server (createTracedServer), at a fraction of the cost.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new UndiciInstrumentation(),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new IORedisInstrumentation(),
    ],
  });
}

/** Whether `startTracing` set tracing up in this process (it is off with OTEL_SDK_DISABLED). */
export function tracingStarted(): boolean {
  return provider !== undefined;
}

/** Flushes pending spans; called on shutdown. */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}
