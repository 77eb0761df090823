import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { HealthModule, lifecycleConfig } from '@rentguy/platform/health';
import { MetricsModule } from '@rentguy/platform/metrics';
import { registerTracerProvider } from '@rentguy/platform/tracing';
import { JobQueue, OnJob, QueueModule, queueConfig, type JobOutcome } from './index';
import { queueTesting } from '@rentguy/testing/queue';
import { testConfigModule, testEnvironment } from '@rentguy/testing/platform';

/** Which trace each image job ran in, by image id. */
const seen = new Map<string, string | undefined>();

@Injectable()
class TracedImageProcessor {
  @OnJob('images', 'image.process')
  async process(data: { imageId: string }): Promise<JobOutcome> {
    seen.set(data.imageId, trace.getActiveSpan()?.spanContext().traceId);
    return { status: 'done' };
  }
}

const { redisUrl } = testEnvironment();

describe('trace context through jobs', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  let app: TestingModule;

  beforeAll(async () => {
    // What startTracing() sets up in the apps, minus the auto-instrumentations and the exporter.
    registerTracerProvider(provider);
    app = await Test.createTestingModule({
      imports: [
        testConfigModule('rentals', [queueConfig, lifecycleConfig], { REDIS_URL: redisUrl }),
        HealthModule.forRoot({ requires: [] }),
        MetricsModule,
        QueueModule.forRoot({
          queues: ['images'],
          workers: { images: {} },
          prefix: queueTesting.randomPrefix(),
        }),
      ],
      providers: [TracedImageProcessor],
    }).compile();
    await app.init();
  });

  afterAll(async () => {
    await queueTesting.obliterateQueues(app);
    await app.close();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('processes a job inside the trace of the span that enqueued it', async () => {
    const jobs = app.get(JobQueue);
    const traced = { imageId: randomUUID(), propertyId: randomUUID(), originalKey: 'originals/c.jpg' };
    const untraced = { ...traced, imageId: randomUUID() };

    const tracer = trace.getTracer('test');
    const { traceId, jobId } = await tracer.startActiveSpan('POST /v1/images', async (span) => {
      const id = await jobs.enqueue('images', 'image.process', traced, { entityId: traced.imageId });
      span.end();
      return { traceId: span.spanContext().traceId, jobId: id };
    });
    const otherId = await jobs.enqueue('images', 'image.process', untraced, { entityId: untraced.imageId });
    await queueTesting.waitForJobState(app, 'images', jobId, ['completed']);
    await queueTesting.waitForJobState(app, 'images', otherId, ['completed']);

    expect(seen.get(traced.imageId)).toBe(traceId);
    expect(seen.get(untraced.imageId)).toBeDefined();
    expect(seen.get(untraced.imageId)).not.toBe(traceId);
    const consumer = exporter
      .getFinishedSpans()
      .find((s) => s.kind === SpanKind.CONSUMER && s.spanContext().traceId === traceId);
    expect(consumer?.name).toBe('process images');
  });
});
