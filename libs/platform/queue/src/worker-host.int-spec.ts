import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import type { JobData } from '@rentguy/contracts';
import { HealthModule, lifecycleConfig, ReadinessRegistry } from '@rentguy/platform/health';
import { MetricsModule, MetricsRegistry } from '@rentguy/platform/metrics';
import {
  JobPayloadError,
  JobQueue,
  OnJob,
  QueueInspector,
  QueueModule,
  queueConfig,
  WorkerBootError,
  type JobContext,
  type JobHandler,
  type JobOutcome,
  type QueueModuleOptions,
} from './index';
import { queueTesting } from '@rentguy/testing/queue';
import { testConfigModule, testEnvironment } from '@rentguy/testing/platform';

const { redisUrl } = testEnvironment();
const BACKOFF_MS = 50;

type ImageJob = JobData<'images', 'image.process'>;
const imageJob = (): ImageJob => ({
  imageId: randomUUID(),
  propertyId: randomUUID(),
  originalKey: 'originals/a.jpg',
});
const done = async (): Promise<JobOutcome> => ({ status: 'done' });

/** A provider whose `@OnJob` method for `image.process` delegates to `handle`. */
function imageProcessor(handle: JobHandler<'images', 'image.process'>) {
  @Injectable()
  class TestImageProcessor {
    @OnJob('images', 'image.process')
    process(data: ImageJob, job: JobContext<'images', 'image.process'>): Promise<JobOutcome> {
      return handle(data, job);
    }
  }
  return TestImageProcessor;
}

describe('QueueModule with a real Redis', () => {
  const prefix = queueTesting.randomPrefix();
  const open: TestingModule[] = [];

  /** An app of `queues` (images and email by default) with `providers`, initialised. */
  const createApp = async (
    providers: (new (...args: never[]) => object)[] = [],
    options: Partial<QueueModuleOptions> = {},
  ): Promise<TestingModule> => {
    const app = await Test.createTestingModule({
      imports: [
        testConfigModule('rentals', [queueConfig, lifecycleConfig], { REDIS_URL: redisUrl }),
        HealthModule.forRoot({ requires: [] }),
        MetricsModule,
        QueueModule.forRoot({
          queues: ['images', 'email'],
          prefix,
          jobDefaults: { images: { attempts: 3, backoff: { type: 'exponential', delayMs: BACKOFF_MS } } },
          ...options,
        }),
      ],
      providers,
    }).compile();
    open.push(app);
    await app.init();
    return app;
  };
  const createWorker = (handle: JobHandler<'images', 'image.process'>, concurrency = 1) =>
    createApp([imageProcessor(handle)], { workers: { images: { concurrency } } });

  afterEach(async () => {
    const [first] = open;
    if (first) {
      await queueTesting.obliterateQueues(first);
    }
    for (const app of open.splice(0)) {
      await app.close();
    }
  });

  const metricsText = (app: TestingModule): Promise<string> => app.get(MetricsRegistry).render();
  const jobsTotal = (text: string, outcome: string): number => {
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`queue_jobs_total{queue="images",job="image.process",outcome="${outcome}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  describe('boot check', () => {
    it('refuses to start when a declared job has no handler, naming the job', async () => {
      const boot = createApp([imageProcessor(done)], { workers: { images: {}, email: {} } });
      await expect(boot).rejects.toThrow(WorkerBootError);
      await expect(boot).rejects.toThrow(/job "email.send" is declared for queue "email" but has no handler/);
    });

    it('refuses to start when a job has two handlers, naming both', async () => {
      await expect(
        createApp([imageProcessor(done), imageProcessor(done)], { workers: { images: {} } }),
      ).rejects.toThrow(
        /job "image.process" of queue "images" has 2 handlers \(TestImageProcessor.process, TestImageProcessor.process\)/,
      );
    });

    it('refuses to start with a handler for a job the queue does not declare', async () => {
      @Injectable()
      class StaleProcessor {
        // As if the catalog had dropped the job while a handler stayed behind.
        // @ts-expect-error the catalog does not declare image.resize
        @OnJob('images', 'image.resize')
        resize(): Promise<JobOutcome> {
          return done();
        }
      }
      await expect(
        createApp([imageProcessor(done), StaleProcessor], { workers: { images: {} } }),
      ).rejects.toThrow(
        /StaleProcessor.resize handles job "image.resize", which is not declared for queue "images"/,
      );
    });

    it('refuses a handler of a queue the app runs no worker for', async () => {
      await expect(createApp([imageProcessor(done)])).rejects.toThrow(
        /TestImageProcessor.process handles "images"\/"image.process", but this app runs no worker for queue "images"/,
      );
    });

    it('refuses a worker for a queue the module was not given', async () => {
      await expect(createApp([], { workers: { screening: {} } })).rejects.toThrow(
        /workers: "screening" is not listed in queues/,
      );
    });
  });

  it('runs a job enqueued twice for the same entity once', async () => {
    const producer = await createApp();
    const jobs = producer.get(JobQueue);
    const inspector = producer.get(QueueInspector);
    const calls: string[] = [];
    const entityId = randomUUID();
    const data = imageJob();
    const first = await jobs.enqueue('images', 'image.process', data, { entityId });
    const second = await jobs.enqueue('images', 'image.process', data, { entityId });
    expect(second).toBe(first);
    expect(await inspector.getJobCounts('images')).toMatchObject({ waiting: 1 });

    await createWorker(async (payload) => {
      calls.push(payload.imageId);
      return { status: 'done' };
    });
    const completed = await queueTesting.waitForJobState(producer, 'images', first, ['completed']);

    // Still a no-op while the completed job is retained.
    await jobs.enqueue('images', 'image.process', data, { entityId });
    const after = await inspector.getJob('images', first);
    expect(after).toMatchObject({ state: 'completed', finishedOn: completed.finishedOn });
    expect(calls).toEqual([data.imageId]);
  });

  it('rejects an invalid payload at enqueue and adds nothing', async () => {
    const app = await createApp();
    const jobs = app.get(JobQueue);
    const entityId = randomUUID();
    const invalid = { ...imageJob(), imageId: 'not-a-uuid' };
    await expect(jobs.enqueue('images', 'image.process', invalid, { entityId })).rejects.toThrow(
      JobPayloadError,
    );
    await expect(jobs.enqueue('images', 'image.process', invalid, { entityId })).rejects.toThrow(/imageId/);
    expect(await app.get(QueueInspector).getJobCounts('images')).toMatchObject({ waiting: 0, delayed: 0 });
  });

  it('fails a job with an invalid payload without retrying and without calling the handler', async () => {
    const handler = jest.fn(done);
    const app = await createWorker(handler);
    const id = await queueTesting.addRawJob(
      app,
      'images',
      'image.process',
      { imageId: 42 },
      { jobId: 'raw-1', attempts: 5 },
    );

    const failed = await queueTesting.waitForJobState(app, 'images', id, ['failed']);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/invalid payload for job "image.process"/);
    expect(handler).not.toHaveBeenCalled();
    const text = await metricsText(app);
    expect(jobsTotal(text, 'failed')).toBe(1);
    expect(jobsTotal(text, 'retried')).toBe(0);
  });

  it('retries a failing handler with exponential backoff until it completes', async () => {
    const attempts: { attempt: number; at: number }[] = [];
    const app = await createWorker(async (_data, job) => {
      attempts.push({ attempt: job.attempt, at: Date.now() });
      if (job.attempt < 3) {
        throw new Error(`transient failure ${job.attempt}`);
      }
      return { status: 'done' };
    });
    const id = await app
      .get(JobQueue)
      .enqueue('images', 'image.process', imageJob(), { entityId: randomUUID() });

    const completed = await queueTesting.waitForJobState(app, 'images', id, ['completed']);
    expect(completed.returnValue).toEqual({ status: 'done' });
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // Exponential: the second retry waits twice as long as the first.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(BACKOFF_MS);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(2 * BACKOFF_MS);
    const text = await metricsText(app);
    expect(jobsTotal(text, 'retried')).toBe(2);
    expect(jobsTotal(text, 'completed')).toBe(1);
    expect(jobsTotal(text, 'failed')).toBe(0);
  });

  it('fails the job for good after the last attempt', async () => {
    const finalFlags: boolean[] = [];
    const app = await createWorker(async (_data, job) => {
      finalFlags.push(job.isFinalAttempt);
      throw new Error('storage is down');
    });
    const id = await app
      .get(JobQueue)
      .enqueue('images', 'image.process', imageJob(), { entityId: randomUUID() });

    const failed = await queueTesting.waitForJobState(app, 'images', id, ['failed']);
    expect(failed).toMatchObject({ attemptsMade: 3, maxAttempts: 3, failedReason: 'storage is down' });
    expect(finalFlags).toEqual([false, false, true]);
    const text = await metricsText(app);
    expect(jobsTotal(text, 'retried')).toBe(2);
    expect(jobsTotal(text, 'failed')).toBe(1);
  });

  it('counts a skipped outcome and reports queue depth and job duration in the metrics', async () => {
    const app = await createWorker(async () => ({ status: 'skipped', reason: 'image was deleted' }), 2);
    const jobs = app.get(JobQueue);
    const id = await jobs.enqueue('images', 'image.process', imageJob(), { entityId: randomUUID() });
    await jobs.enqueue('images', 'image.process', imageJob(), { entityId: randomUUID(), delayMs: 60_000 });

    const completed = await queueTesting.waitForJobState(app, 'images', id, ['completed']);
    expect(completed.returnValue).toEqual({ status: 'skipped', reason: 'image was deleted' });
    const text = await metricsText(app);
    expect(jobsTotal(text, 'skipped')).toBe(1);
    expect(jobsTotal(text, 'completed')).toBe(0);
    expect(text).toContain('queue_job_duration_seconds_count{queue="images",job="image.process"} 1');
    expect(text).toContain('queue_depth{queue="images",state="delayed"} 1');
    expect(text).toContain('queue_depth{queue="email",state="waiting"} 0');
  });

  it('keeps waiting jobs in the Redis list <prefix>:<queue>:wait, the length KEDA scales workers on', async () => {
    // helm/rentguy/templates/scaledobject.yaml: listName <queuePrefix>:<queue>:wait.
    const app = await createApp();
    for (let i = 0; i < 3; i += 1) {
      await app.get(JobQueue).enqueue('images', 'image.process', imageJob(), { entityId: randomUUID() });
    }
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.type(`${prefix}:images:wait`)).toBe('list');
      expect(await redis.llen(`${prefix}:images:wait`)).toBe(3);
    } finally {
      redis.disconnect();
    }
  });

  it('registers a redis readiness check that pings', async () => {
    const app = await createApp();
    const check = new Map(app.get(ReadinessRegistry).entries()).get('redis');
    await expect(check?.()).resolves.toBe('PONG');
  });
});
