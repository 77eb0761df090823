import { ROOT_CONTEXT, TraceFlags, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  DeadLetterHeaders,
  deadLetterHeaders,
  decodeHeaders,
  extractTraceContext,
  redriveHeaders,
  traceHeaders,
} from './event-headers';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const spanId = 'b7ad6b7169203331';

describe('trace headers', () => {
  beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
  afterAll(() => propagation.disable());

  it('injects the W3C traceparent of the given context', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    expect(traceHeaders(ctx)).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
  });

  it('injects nothing outside a trace', () => {
    expect(traceHeaders(ROOT_CONTEXT)).toEqual({});
  });

  it('round-trips through Kafka headers: the consumer continues the producer trace', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    const wire = { ...traceHeaders(ctx), type: 'payment.succeeded' };
    const kafkaHeaders = Object.fromEntries(Object.entries(wire).map(([k, v]) => [k, Buffer.from(v)]));

    const extracted = trace.getSpanContext(extractTraceContext(decodeHeaders(kafkaHeaders)));
    expect(extracted).toMatchObject({ traceId, spanId, isRemote: true });
  });

  it('extracts no parent from messages without trace headers', () => {
    expect(trace.getSpanContext(extractTraceContext({ type: 'x' }))).toBeUndefined();
  });
});

describe('decodeHeaders', () => {
  it('turns Buffer, string and array values into strings and drops undefined ones', () => {
    expect(
      decodeHeaders({ a: Buffer.from('one'), b: 'two', c: [Buffer.from('three'), 'four'], d: undefined }),
    ).toEqual({ a: 'one', b: 'two', c: 'three' });
    expect(decodeHeaders(undefined)).toEqual({});
  });
});

describe('dead-letter headers', () => {
  const origin = {
    topic: 'payments.payment.v1',
    partition: 2,
    offset: '41',
    group: 'rentals',
    error: new TypeError('boom'),
    failedAt: new Date('2025-01-01T00:00:00.000Z'),
  };

  it('keep the original headers and say why, where from and when', () => {
    expect(deadLetterHeaders({ type: 'payment.succeeded', traceparent: 'tp' }, origin)).toEqual({
      type: 'payment.succeeded',
      traceparent: 'tp',
      'x-error': 'TypeError: boom',
      'x-original-topic': 'payments.payment.v1',
      'x-original-partition': '2',
      'x-original-offset': '41',
      'x-failed-at': '2025-01-01T00:00:00.000Z',
      'x-consumer-group': 'rentals',
    });
  });

  it('bound the error text', () => {
    const headers = deadLetterHeaders({}, { ...origin, error: new Error('x'.repeat(10_000)) });
    expect(headers[DeadLetterHeaders.error].length).toBe(2_000);
  });

  it('are removed again on redrive, leaving the original headers', () => {
    expect(redriveHeaders(deadLetterHeaders({ type: 't', traceparent: 'tp' }, origin))).toEqual({
      type: 't',
      traceparent: 'tp',
    });
  });
});
