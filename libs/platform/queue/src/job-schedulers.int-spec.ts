import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { HealthModule, lifecycleConfig } from '@rentguy/platform/health';
import { MetricsModule, MetricsRegistry } from '@rentguy/platform/metrics';
import {
  JobSchedulers,
  OnJob,
  QueueModule,
  queueConfig,
  type JobOutcome,
  type QueueModuleOptions,
} from './index';
import { queueTesting } from '@rentguy/testing/queue';
import { testConfigModule, testEnvironment } from '@rentguy/testing/platform';
import { QueueRegistry } from './queue.registry';

const { redisUrl } = testEnvironment();
const INTERVAL_MS = 250;

interface Run {
  replica: string;
  job: string;
  at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('job schedulers with a real Redis', () => {
  const open: TestingModule[] = [];
  let runs: Run[] = [];

  /** The queue's schedulers these tests never turn on. */
  const otherSchedulersOff = {
    'rentals-calendar-sync': 0,
    'rentals-analytics-refresh': 0,
    'rentals-application-retention': 0,
  };

  /** One replica of an app working `rentals-maintenance`, recording every run of its jobs. */
  const createReplica = async (
    replica: string,
    prefix: string,
    schedules: QueueModuleOptions['schedules'],
  ): Promise<TestingModule> => {
    const record = (job: string): Promise<JobOutcome> => {
      runs.push({ replica, job, at: Date.now() });
      return Promise.resolve({ status: 'done' });
    };
    @Injectable()
    class MaintenanceProcessor {
      @OnJob('rentals-maintenance', 'holds.expire')
      expire(): Promise<JobOutcome> {
        return record('holds.expire');
      }

      @OnJob('rentals-maintenance', 'holds.cross-check')
      crossCheck(): Promise<JobOutcome> {
        return record('holds.cross-check');
      }

      @OnJob('rentals-maintenance', 'pending-jobs.requeue')
      requeue(): Promise<JobOutcome> {
        return record('pending-jobs.requeue');
      }

      @OnJob('rentals-maintenance', 'outbox.prune')
      prune(): Promise<JobOutcome> {
        return record('outbox.prune');
      }

      @OnJob('rentals-maintenance', 'calendar-feeds.sync')
      syncFeeds(): Promise<JobOutcome> {
        return record('calendar-feeds.sync');
      }

      @OnJob('rentals-maintenance', 'analytics.refresh')
      refreshAnalytics(): Promise<JobOutcome> {
        return record('analytics.refresh');
      }

      @OnJob('rentals-maintenance', 'applications.purge-undecided')
      purgeApplications(): Promise<JobOutcome> {
        return record('applications.purge-undecided');
      }
    }
    // Schedulers of the queue that a test does not mention are off.
    const allSchedules = { ...otherSchedulersOff, ...schedules };
    const app = await Test.createTestingModule({
      imports: [
        testConfigModule('rentals', [queueConfig, lifecycleConfig], { REDIS_URL: redisUrl }),
        HealthModule.forRoot({ requires: [] }),
        MetricsModule,
        QueueModule.forRoot({
          queues: ['rentals-maintenance'],
          workers: { 'rentals-maintenance': { concurrency: 2 } },
          schedules: allSchedules,
          prefix,
        }),
      ],
      providers: [MaintenanceProcessor],
    }).compile();
    open.push(app);
    await app.init();
    return app;
  };

  beforeEach(() => {
    runs = [];
  });

  afterEach(async () => {
    const [first] = open;
    if (first) {
      await queueTesting.obliterateQueues(first);
    }
    for (const app of open.splice(0)) {
      await app.close();
    }
  });

  const schedulerOf = (app: TestingModule, id: string) =>
    app.get(QueueRegistry).queue('rentals-maintenance').getJobScheduler(id);

  it('runs a scheduled job once per interval across two replicas sharing the queues', async () => {
    const prefix = queueTesting.randomPrefix();
    const schedules = {
      'rentals-hold-expiry': INTERVAL_MS,
      'rentals-hold-cross-check': 0,
      'rentals-pending-jobs': 0,
      'rentals-outbox-retention': 0,
    };
    const started = Date.now();
    const a = await createReplica('a', prefix, schedules);
    await sleep(INTERVAL_MS / 2);
    // The second replica upserts the same scheduler: it must not add a run of its own.
    const b = await createReplica('b', prefix, schedules);
    const windowMs = 8 * INTERVAL_MS;
    await sleep(windowMs);
    // Booting a replica takes a while on a loaded machine: bound the runs by the time that really
    // passed, not by the sleeps alone.
    const intervalsElapsed = Math.floor((Date.now() - started) / INTERVAL_MS);

    const expiries = runs.filter((r) => r.job === 'holds.expire');
    // One run per interval (give or take one at either end of the window), not one per replica.
    expect(expiries.length).toBeGreaterThanOrEqual(7);
    expect(expiries.length).toBeLessThanOrEqual(intervalsElapsed + 2);
    const gaps = expiries.slice(1).map((run, i) => run.at - expiries[i].at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(INTERVAL_MS / 2);
    expect(runs.filter((r) => r.job !== 'holds.expire')).toEqual([]);
    expect(await schedulerOf(b, 'rentals-hold-expiry')).toMatchObject({
      name: 'holds.expire',
      every: INTERVAL_MS,
    });
    // Counted like any job, under the queue's metrics.
    const metrics = await a.get(MetricsRegistry).render();
    const completedLine = metrics
      .split('\n')
      .find((l) =>
        l.startsWith('queue_jobs_total{queue="rentals-maintenance",job="holds.expire",outcome="completed"}'),
      );
    expect(Number(completedLine?.split(' ').pop())).toBeGreaterThan(0);
  });

  it('removes a scheduler whose interval is 0', async () => {
    const prefix = queueTesting.randomPrefix();
    const first = await createReplica('a', prefix, {
      'rentals-hold-expiry': 60_000,
      'rentals-hold-cross-check': 0,
      'rentals-pending-jobs': 60_000,
      'rentals-outbox-retention': 0,
    });
    expect(await schedulerOf(first, 'rentals-pending-jobs')).toMatchObject({ every: 60_000 });

    // A deploy that turns the sweep off.
    const second = await createReplica('b', prefix, {
      'rentals-hold-expiry': 60_000,
      'rentals-hold-cross-check': 0,
      'rentals-pending-jobs': 0,
      'rentals-outbox-retention': 0,
    });

    expect(await schedulerOf(second, 'rentals-pending-jobs')).toBeUndefined();
    expect(await schedulerOf(second, 'rentals-hold-expiry')).toMatchObject({ every: 60_000 });
  });

  it('runs a scheduled job now, through the queue, on request', async () => {
    const app = await createReplica('a', queueTesting.randomPrefix(), {
      'rentals-hold-expiry': 0,
      'rentals-hold-cross-check': 0,
      'rentals-pending-jobs': 0,
      'rentals-outbox-retention': 0,
    });

    const run = await queueTesting.runScheduledJobNow(app, 'rentals-outbox-retention');

    expect(run).toMatchObject({ name: 'outbox.prune', state: 'completed', returnValue: { status: 'done' } });
    expect(runs.map((r) => r.job)).toEqual(['outbox.prune']);
    expect(await app.get(JobSchedulers).runNow('rentals-outbox-retention')).not.toBe(run.id);
  });

  it('refuses to boot when a scheduler of a worked queue has no interval', async () => {
    await expect(
      createReplica('a', queueTesting.randomPrefix(), { 'rentals-hold-expiry': 1_000 }),
    ).rejects.toThrow(/schedules: "rentals-pending-jobs" \(queue "rentals-maintenance"\) needs an interval/);
  });
});
