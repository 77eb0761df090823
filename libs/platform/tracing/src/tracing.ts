import { NodeSDK } from '@opentelemetry/sdk-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  service: string;
  /** OTLP/HTTP endpoint (e.g. http://collector:4318); without it spans are created but not exported. */
  otlpEndpoint?: string;
}

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry before Nest and the instrumented libraries load (call it first in main.ts,
 * then import the app): HTTP, undici, pg, ioredis and fastify are auto-instrumented, W3C trace
 * context is the propagator, and spans leave through a BatchSpanProcessor.
 */
export function startTracing(options: TracingOptions): void {
  if (sdk) {
    return;
  }
  const spanProcessors: SpanProcessor[] = options.otlpEndpoint
    ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }))]
    : [];
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.service }),
    spanProcessors,
    instrumentations: [
      getNodeAutoInstrumentations({
        // File-system and DNS spans are noise at this level; kafkajs is traced by our messaging lib.
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        '@opentelemetry/instrumentation-kafkajs': { enabled: false },
      }),
    ],
  });
  sdk.start();
}

/** Flushes pending spans; called on shutdown. */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
