import { ROOT_CONTEXT, context, propagation, type Context } from '@opentelemetry/api';
import type { KafkaHeaders } from './kafka.client';
import { describeError } from '@rentguy/platform/errors';

/** Header carrying the event type, so tools can route or filter without parsing the value. */
export const TYPE_HEADER = 'type';

/** Headers the consumer adds when it dead-letters a message. */
export const DeadLetterHeaders = {
  error: 'x-error',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  failedAt: 'x-failed-at',
  consumerGroup: 'x-consumer-group',
} as const;

/** Longest `x-error` we keep: enough to diagnose, bounded so a huge message cannot bloat the DLQ. */
const MAX_ERROR_LENGTH = 2_000;

/**
 * The W3C trace context (`traceparent`, `tracestate`) of `ctx` — by default the active one — as
 * headers, through the globally registered propagator (the tracing library registers W3C).
 */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** Kafka header values (Buffer, string or arrays of them) as plain strings; arrays keep their first value. */
export function decodeHeaders(headers: KafkaHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) {
      decoded[name] = first.toString();
    }
  }
  return decoded;
}

/** The context a message was produced in, so the consumer span continues the producer's trace. */
export function extractTraceContext(headers: Record<string, string>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

export interface DeadLetterOrigin {
  topic: string;
  partition: number;
  offset: string;
  group: string;
  error: unknown;
  failedAt: Date;
}

/** The original headers plus why, where from and when the message was dead-lettered. */
export function deadLetterHeaders(
  original: Record<string, string>,
  origin: DeadLetterOrigin,
): Record<string, string> {
  return {
    ...original,
    [DeadLetterHeaders.error]: describeError(origin.error).slice(0, MAX_ERROR_LENGTH),
    [DeadLetterHeaders.originalTopic]: origin.topic,
    [DeadLetterHeaders.originalPartition]: String(origin.partition),
    [DeadLetterHeaders.originalOffset]: origin.offset,
    [DeadLetterHeaders.failedAt]: origin.failedAt.toISOString(),
    [DeadLetterHeaders.consumerGroup]: origin.group,
  };
}

/** The headers a redriven message carries: the original ones, without the dead-letter annotations. */
export function redriveHeaders(deadLettered: Record<string, string>): Record<string, string> {
  const annotations = new Set<string>(Object.values(DeadLetterHeaders));
  return Object.fromEntries(Object.entries(deadLettered).filter(([name]) => !annotations.has(name)));
}
