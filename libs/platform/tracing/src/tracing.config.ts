import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';

/** What `main.ts` loads before anything else: tracing must start before the libraries it patches. */
export const tracingConfig = defineConfig('tracing', {
  /** OTLP/HTTP endpoint of a collector; unset, spans are recorded but not exported. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** OpenTelemetry's own switch: `true` registers no tracer and patches nothing (to measure tracing's cost). */
  OTEL_SDK_DISABLED: z.stringbool().default(false),
  /**
   * Share of new traces that are recorded and exported, 0 to 1. A request or event that arrives
   * inside a trace follows its caller's decision (parent-based), so a trace is whole or absent.
   */
  TRACES_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
});
