import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { ConfigModule } from '@rentguy/platform/config';
import { HealthModule } from '@rentguy/platform/health';
import { MetricsModule } from '@rentguy/platform/metrics';
import { JobQueue, QueueModule, WorkerHost, queueTesting, type QueueModuleOptions } from './index';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

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

  const createApp = async (options: Partial<QueueModuleOptions> = {}): Promise<TestingModule> => {
    const app = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ REDIS_URL }),
        HealthModule,
        MetricsModule,
        QueueModule.forRoot({ queues: ['images'], prefix, ...options }),
      ],
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
    const app = await createApp();
    const started = deferred();
    const release = deferred();
    let finished = false;
    await app.get(WorkerHost).start('images', {
      'image.process': async () => {
        started.resolve();
        await release.promise;
        finished = true;
        return { status: 'done' };
      },
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
    const app = await createApp({ workerCloseTimeoutMs: 200 });
    const started = deferred();
    const release = deferred();
    await app.get(WorkerHost).start('images', {
      'image.process': async () => {
        started.resolve();
        await release.promise;
        return { status: 'done' };
      },
    });
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
});
