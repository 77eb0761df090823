import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { HealthModule, lifecycleConfig } from '@rentguy/platform/health';
import { MetricsModule, MetricsRegistry } from '@rentguy/platform/metrics';
import { JobQueue, OnJob, QueueModule, queueConfig, type JobOutcome, type QueueModuleOptions } from './index';
import { queueTesting } from '@rentguy/testing/queue';
import { testConfigModule, testEnvironment } from '@rentguy/testing/platform';

const { redisUrl } = testEnvironment();

/** Resolves once `promise` has settled, or after `ms`; tells which happened. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const deferred = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('WorkerHost shutdown', () => {
  const prefix = queueTesting.randomPrefix();
  const open = new Set<TestingModule>();

  /** An app; with `handle`, it also runs the `images` worker with `handle` as its handler. */
  const createApp = async (
    handle?: () => Promise<JobOutcome>,
    options: Partial<QueueModuleOptions> = {},
  ): Promise<TestingModule> => {
    @Injectable()
    class BlockingImageProcessor {
      @OnJob('images', 'image.process')
      process(): Promise<JobOutcome> {
        return handle ? handle() : Promise.resolve({ status: 'done' });
      }
    }
    const app = await Test.createTestingModule({
      imports: [
        testConfigModule('rentals', [queueConfig, lifecycleConfig], { REDIS_URL: redisUrl }),
        HealthModule.forRoot({ requires: [] }),
        MetricsModule,
        QueueModule.forRoot({
          queues: ['images'],
          prefix,
          ...(handle ? { workers: { images: {} } } : {}),
          ...options,
        }),
      ],
      providers: handle ? [BlockingImageProcessor] : [],
    }).compile();
    await app.init();
    open.add(app);
    return app;
  };
  const close = (app: TestingModule): Promise<void> => {
    open.delete(app);
    return app.close();
  };

  afterAll(async () => {
    // A fresh app to clean up: the ones under test have closed their connections.
    const cleaner = await createApp();
    await queueTesting.obliterateQueues(cleaner);
    for (const app of [...open]) {
      await close(app);
    }
  });

  const image = () => ({ imageId: randomUUID(), propertyId: randomUUID(), originalKey: 'originals/b.jpg' });

  it('waits for the active job to finish before closing', async () => {
    const started = deferred();
    const release = deferred();
    let finished = false;
    const app = await createApp(async () => {
      started.resolve();
      await release.promise;
      finished = true;
      return { status: 'done' };
    });
    const id = await app
      .get(JobQueue)
      .enqueue('images', 'image.process', image(), { entityId: randomUUID() });
    await started.promise;

    const closing = close(app);
    expect(await settledWithin(closing, 300)).toBe(false);
    release.resolve();
    await closing;
    expect(finished).toBe(true);

    const inspector = await createApp();
    expect(await queueTesting.waitForJobState(inspector, 'images', id, ['completed'], 1_000)).toMatchObject({
      returnValue: { status: 'done' },
    });
  });

  it('force-closes after the close budget, leaving the job for another worker', async () => {
    const started = deferred();
    const release = deferred();
    const app = await createApp(
      async () => {
        started.resolve();
        await release.promise;
        return { status: 'done' };
      },
      { workerCloseTimeoutMs: 200 },
    );
    const id = await app
      .get(JobQueue)
      .enqueue('images', 'image.process', image(), { entityId: randomUUID() });
    await started.promise;

    expect(await settledWithin(close(app), 5_000)).toBe(true);
    release.resolve();

    // Not completed: its lock expires and the stalled-job check hands it to a live worker.
    const inspector = await createApp();
    expect(await queueTesting.waitForJobState(inspector, 'images', id, ['active'], 1_000)).toMatchObject({
      attemptsMade: 0,
    });
  });

  it('a live worker takes back the job of a worker that died, and counts it as stalled', async () => {
    // Queues of its own: the job the test above left active would stall into this count too.
    const own = { prefix: queueTesting.randomPrefix() };
    const started = deferred();
    const release = deferred();
    const dying = await createApp(
      async () => {
        started.resolve();
        await release.promise;
        return { status: 'done' };
      },
      { ...own, workerCloseTimeoutMs: 100 },
    );
    const id = await dying
      .get(JobQueue)
      .enqueue('images', 'image.process', image(), { entityId: randomUUID() });
    await started.promise;
    await close(dying);
    release.resolve();

    // Once the dead worker's lock expires (15 s), the live worker's stalled check takes the job back.
    const live = await createApp(() => Promise.resolve({ status: 'done' }), own);
    expect(await queueTesting.waitForJobState(live, 'images', id, ['completed'], 40_000)).toMatchObject({
      returnValue: { status: 'done' },
    });
    const metrics = await live.get(MetricsRegistry).render();
    expect(metrics).toMatch(/^queue_jobs_stalled_total\{queue="images"\} 1$/m);
    await close(live);
    await queueTesting.obliterateQueues(await createApp(undefined, own));
  }, 60_000);
});
