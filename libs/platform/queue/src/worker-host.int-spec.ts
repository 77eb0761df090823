import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import type { JobData } from '@rentguy/contracts';
import { ConfigModule } from '@rentguy/platform/config';
import { HealthModule, ReadinessRegistry } from '@rentguy/platform/health';
import { MetricsModule, MetricsRegistry } from '@rentguy/platform/metrics';
import {
  JobPayloadError,
  JobQueue,
  QueueInspector,
  QueueModule,
  WorkerBootError,
  WorkerHost,
  queueTesting,
  type JobContext,
  type JobHandlers,
  type JobOutcome,
} from './index';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BACKOFF_MS = 50;

type ImageJob = JobData<'images', 'image.process'>;
const imageJob = (): ImageJob => ({
  imageId: randomUUID(),
  propertyId: randomUUID(),
  originalKey: 'originals/a.jpg',
});

describe('QueueModule with a real Redis', () => {
  const prefix = queueTesting.randomPrefix();
  let app: TestingModule;
  let jobs: JobQueue;
  let workers: WorkerHost;
  let inspector: QueueInspector;

  beforeEach(async () => {
    app = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ REDIS_URL }),
        HealthModule,
        MetricsModule,
        QueueModule.forRoot({
          queues: ['images', 'email'],
          prefix,
          jobDefaults: { images: { attempts: 3, backoff: { type: 'exponential', delayMs: BACKOFF_MS } } },
        }),
      ],
    }).compile();
    await app.init();
    jobs = app.get(JobQueue);
    workers = app.get(WorkerHost);
    inspector = app.get(QueueInspector);
  });

  afterEach(async () => {
    await queueTesting.obliterateQueues(app);
    await app.close();
  });

  const metricsText = (): Promise<string> => app.get(MetricsRegistry).render();
  const jobsTotal = (text: string, outcome: string): number => {
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`queue_jobs_total{queue="images",job="image.process",outcome="${outcome}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  describe('boot check', () => {
    const done = async (): Promise<JobOutcome> => ({ status: 'done' });

    it('refuses to start when a declared job has no handler, naming the job', async () => {
      const handlers = {} as JobHandlers<'images'>;
      await expect(workers.start('images', handlers)).rejects.toThrow(WorkerBootError);
      await expect(workers.startRegistered('email')).rejects.toThrow(
        /job "email.send" is declared for queue "email" but has no handler/,
      );
    });

    it('refuses to start when a job is registered twice', async () => {
      workers.register('images', 'image.process', done);
      workers.register('images', 'image.process', done);
      await expect(workers.startRegistered('images')).rejects.toThrow(/job "image.process" has 2 handlers/);
    });

    it('detects a registration that duplicates a handler given to start', async () => {
      workers.register('images', 'image.process', done);
      await expect(workers.start('images', { 'image.process': done })).rejects.toThrow(
        /job "image.process" has 2 handlers/,
      );
    });

    it('refuses to start with a handler for a job the queue does not declare', async () => {
      const handlers = { 'image.process': done, 'image.resize': done } as JobHandlers<'images'>;
      await expect(workers.start('images', handlers)).rejects.toThrow(
        /handler is registered for job "image.resize", which is not declared for queue "images"/,
      );
    });

    it('refuses to start a worker for a queue the module was not given', async () => {
      await expect(workers.start('screening', { 'application.screen': done })).rejects.toThrow(
        /queue "screening" is not listed in QueueModule.forRoot/,
      );
    });
  });

  it('runs a job enqueued twice for the same entity once', async () => {
    const calls: string[] = [];
    const entityId = randomUUID();
    const data = imageJob();
    const first = await jobs.enqueue('images', 'image.process', data, { entityId });
    const second = await jobs.enqueue('images', 'image.process', data, { entityId });
    expect(second).toBe(first);
    expect(await inspector.getJobCounts('images')).toMatchObject({ waiting: 1 });

    await workers.start('images', {
      'image.process': async (payload) => {
        calls.push(payload.imageId);
        return { status: 'done' };
      },
    });
    const completed = await queueTesting.waitForJobState(app, 'images', first, ['completed']);

    // Still a no-op while the completed job is retained.
    await jobs.enqueue('images', 'image.process', data, { entityId });
    const after = await inspector.getJob('images', first);
    expect(after).toMatchObject({ state: 'completed', finishedOn: completed.finishedOn });
    expect(calls).toEqual([data.imageId]);
  });

  it('rejects an invalid payload at enqueue and adds nothing', async () => {
    const entityId = randomUUID();
    const invalid = { ...imageJob(), imageId: 'not-a-uuid' };
    await expect(jobs.enqueue('images', 'image.process', invalid, { entityId })).rejects.toThrow(
      JobPayloadError,
    );
    await expect(jobs.enqueue('images', 'image.process', invalid, { entityId })).rejects.toThrow(/imageId/);
    expect(await inspector.getJobCounts('images')).toMatchObject({ waiting: 0, delayed: 0 });
  });

  it('fails a job with an invalid payload without retrying and without calling the handler', async () => {
    const handler = jest.fn(async (): Promise<JobOutcome> => ({ status: 'done' }));
    const id = await queueTesting.addRawJob(
      app,
      'images',
      'image.process',
      { imageId: 42 },
      { jobId: 'raw-1', attempts: 5 },
    );
    await workers.start('images', { 'image.process': handler });

    const failed = await queueTesting.waitForJobState(app, 'images', id, ['failed']);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/invalid payload for job "image.process"/);
    expect(handler).not.toHaveBeenCalled();
    const text = await metricsText();
    expect(jobsTotal(text, 'failed')).toBe(1);
    expect(jobsTotal(text, 'retried')).toBe(0);
  });

  it('retries a failing handler with exponential backoff until it completes', async () => {
    const attempts: { attempt: number; at: number }[] = [];
    const id = await jobs.enqueue('images', 'image.process', imageJob(), { entityId: randomUUID() });
    await workers.start('images', {
      'image.process': async (_data, job: JobContext) => {
        attempts.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt < 3) {
          throw new Error(`transient failure ${job.attempt}`);
        }
        return { status: 'done' };
      },
    });

    const completed = await queueTesting.waitForJobState(app, 'images', id, ['completed']);
    expect(completed.returnValue).toEqual({ status: 'done' });
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // Exponential: the second retry waits twice as long as the first.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(BACKOFF_MS);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(2 * BACKOFF_MS);
    const text = await metricsText();
    expect(jobsTotal(text, 'retried')).toBe(2);
    expect(jobsTotal(text, 'completed')).toBe(1);
    expect(jobsTotal(text, 'failed')).toBe(0);
  });

  it('fails the job for good after the last attempt', async () => {
    const id = await jobs.enqueue('images', 'image.process', imageJob(), { entityId: randomUUID() });
    const finalFlags: boolean[] = [];
    await workers.start('images', {
      'image.process': async (_data, job) => {
        finalFlags.push(job.isFinalAttempt);
        throw new Error('storage is down');
      },
    });

    const failed = await queueTesting.waitForJobState(app, 'images', id, ['failed']);
    expect(failed).toMatchObject({ attemptsMade: 3, maxAttempts: 3, failedReason: 'storage is down' });
    expect(finalFlags).toEqual([false, false, true]);
    const text = await metricsText();
    expect(jobsTotal(text, 'retried')).toBe(2);
    expect(jobsTotal(text, 'failed')).toBe(1);
  });

  it('counts a skipped outcome and reports queue depth and job duration in the metrics', async () => {
    const id = await jobs.enqueue('images', 'image.process', imageJob(), { entityId: randomUUID() });
    await jobs.enqueue('images', 'image.process', imageJob(), { entityId: randomUUID(), delayMs: 60_000 });
    workers.register('images', 'image.process', async () => ({
      status: 'skipped',
      reason: 'image was deleted',
    }));
    await workers.startRegistered('images', { concurrency: 2 });

    const completed = await queueTesting.waitForJobState(app, 'images', id, ['completed']);
    expect(completed.returnValue).toEqual({ status: 'skipped', reason: 'image was deleted' });
    const text = await metricsText();
    expect(jobsTotal(text, 'skipped')).toBe(1);
    expect(jobsTotal(text, 'completed')).toBe(0);
    expect(text).toContain('queue_job_duration_seconds_count{queue="images",job="image.process"} 1');
    expect(text).toContain('queue_depth{queue="images",state="delayed"} 1');
    expect(text).toContain('queue_depth{queue="email",state="waiting"} 0');
  });

  it('registers a redis readiness check that pings', async () => {
    const check = new Map(app.get(ReadinessRegistry).entries()).get('redis');
    await expect(check?.()).resolves.toBe('PONG');
  });
});
