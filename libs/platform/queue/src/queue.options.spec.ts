import type { QueueName } from '@rentguy/contracts';
import { resolveQueueOptions } from './queue.options';

describe('resolveQueueOptions', () => {
  const config = { REDIS_URL: 'redis://127.0.0.1:6379' };
  const lifecycle = {
    HOST: '127.0.0.1',
    OPS_PORT: 0,
    SHUTDOWN_GRACE_MS: 25_000,
    SHUTDOWN_DRAIN_DELAY_MS: 2_000,
  };

  it('defaults the prefix and derives the worker close budget from the grace period', () => {
    const resolved = resolveQueueOptions({ queues: ['images'] }, config, lifecycle);
    expect(resolved.prefix).toBe('rentguy');
    expect(resolved.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(resolved.workerCloseTimeoutMs).toBe(21_000);
    expect(resolved.jobDefaults.get('images')?.attempts).toBe(5);
  });

  it('keeps a minimum close budget when the grace period is tiny', () => {
    expect(
      resolveQueueOptions({ queues: ['images'] }, config, { ...lifecycle, SHUTDOWN_GRACE_MS: 1_000 })
        .workerCloseTimeoutMs,
    ).toBe(1_000);
  });

  it('lists every invalid option at once', () => {
    const queues = ['images', 'images', 'thumbnails'] as QueueName[];
    expect(() => resolveQueueOptions({ queues, prefix: 'a b' }, config, lifecycle)).toThrow(
      /"thumbnails" not in the catalog[\s\S]*images listed twice[\s\S]*prefix/,
    );
  });

  it('requires at least one queue', () => {
    expect(() => resolveQueueOptions({ queues: [] }, config, lifecycle)).toThrow(/at least one queue/);
  });

  it('resolves the workers and the scheduler intervals', () => {
    const resolved = resolveQueueOptions(
      {
        queues: ['images', 'notifications-maintenance'],
        workers: { images: { concurrency: 4 }, 'notifications-maintenance': {} },
        schedules: { 'notifications-pending-deliveries': 0, 'notifications-outbox-retention': 60_000 },
      },
      config,
      lifecycle,
    );
    expect([...resolved.workers]).toEqual([
      ['images', { concurrency: 4 }],
      ['notifications-maintenance', { concurrency: 1 }],
    ]);
    expect([...resolved.schedules]).toEqual([
      ['notifications-pending-deliveries', 0],
      ['notifications-outbox-retention', 60_000],
    ]);
  });

  it('lists every invalid worker and schedule at once', () => {
    expect(() =>
      resolveQueueOptions(
        {
          queues: ['images', 'rentals-maintenance'],
          workers: { images: { concurrency: 0 }, email: {}, 'rentals-maintenance': {} },
          schedules: { 'rentals-hold-expiry': -1, 'payments-reconciliation': 1_000 },
        },
        config,
        lifecycle,
      ),
    ).toThrow(
      new RegExp(
        [
          'workers: "images" concurrency must be a positive integer',
          'workers: "email" is not listed in queues',
          'schedules: "rentals-hold-expiry" must be a whole number of milliseconds',
          'schedules: "payments-reconciliation" runs on queue "payments-maintenance", which is not listed in queues',
          'schedules: "rentals-pending-jobs" \\(queue "rentals-maintenance"\\) needs an interval',
          'schedules: "rentals-outbox-retention" \\(queue "rentals-maintenance"\\) needs an interval',
        ].join('[\\s\\S]*'),
      ),
    );
  });
});
