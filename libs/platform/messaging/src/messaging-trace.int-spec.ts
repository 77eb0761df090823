import { SpanKind, trace, type SpanContext } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Topics, type EventEnvelope, topicsOfGroup } from '@rentguy/contracts';
import { registerTracerProvider } from '@rentguy/platform/tracing';
import { acquireKafkaShared, type Release } from '@rentguy/testing/messaging';
import {
  Cleanup,
  createTestSchema,
  paymentSucceeded,
  randomName,
  startMessagingApp,
  testKafka,
  testLogLevels,
  testTopicPrefix,
  waitFor,
} from '@rentguy/testing/messaging';

// Registers the W3C propagator, an async-context manager and a tracer provider, like
// @rentguy/platform/tracing does in an app (minus the auto-instrumentations and the exporter).
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const logLevels = testLogLevels(process.env.MESSAGING_TEST_LOGS);
const kafka = testKafka();
const cleanup = new Cleanup();
let release: Release;

beforeAll(async () => {
  release = await acquireKafkaShared();
  registerTracerProvider(provider);
});
afterEach(() => cleanup.run());
afterAll(async () => {
  await provider.shutdown();
  await kafka.close();
  await release();
});

describe('trace propagation through the outbox and Kafka', () => {
  it('continues the trace of the transaction that wrote the event in the consumer handler', async () => {
    const schema = await createTestSchema();
    cleanup.add(() => schema.drop());
    const prefix = testTopicPrefix();
    const topic = `${prefix}${Topics.payment}`;
    // Every topic the test app's group (rentals) reads must exist: topics are never auto-created.
    await kafka.ensureTopics(
      topicsOfGroup('rentals').map((name) => ({ topic: `${prefix}${name}`, numPartitions: 3 })),
    );
    const seen: { event: EventEnvelope<'payment.succeeded'>; span?: SpanContext }[] = [];
    const app = await startMessagingApp({
      schema: schema.name,
      relay: true,
      topicPrefix: prefix,
      groupPrefix: `${randomName(6)}-`,
      logLevels,
      consume: async (event) => {
        seen.push({ event, span: trace.getActiveSpan()?.spanContext() });
      },
    });
    cleanup.add(() => app.close());

    const tracer = trace.getTracer('test');
    const request = await tracer.startActiveSpan('POST /v1/payments', async (span) => {
      const data = paymentSucceeded();
      await app.dataSource.transaction((manager) =>
        app.writer.add(manager, 'payment.succeeded', data.paymentId, data),
      );
      span.end();
      return span.spanContext();
    });

    await waitFor(() => seen.length === 1, { what: 'the handler' });
    await waitFor(() => exporter.getFinishedSpans().some((s) => s.kind === SpanKind.CONSUMER), {
      what: 'the consumer span',
    });
    const spans = exporter.getFinishedSpans();
    const send = spans.find((s) => s.kind === SpanKind.PRODUCER && s.name === `send ${topic}`);
    const processSpan = spans.find((s) => s.kind === SpanKind.CONSUMER && s.name === `process ${topic}`);

    expect(seen[0].span?.traceId).toBe(request.traceId);
    expect(send?.spanContext().traceId).toBe(request.traceId);
    expect(send?.parentSpanContext?.spanId).toBe(request.spanId);
    expect(processSpan?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
    expect(seen[0].span?.spanId).toBe(processSpan?.spanContext().spanId);
    expect(processSpan?.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': topic,
      'messaging.message.id': seen[0].event.id,
      'rentguy.event.type': 'payment.succeeded',
    });
  });
});
