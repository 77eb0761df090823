import type { QueueName } from '@rentguy/contracts';
import { resolveQueueOptions } from './queue.options';

describe('resolveQueueOptions', () => {
  const config = {
    REDIS_URL: 'redis://127.0.0.1:6379',
    SHUTDOWN_GRACE_MS: 25_000,
    SHUTDOWN_DRAIN_DELAY_MS: 2_000,
  };

  it('defaults the prefix and derives the worker close budget from the grace period', () => {
    const resolved = resolveQueueOptions({ queues: ['images'] }, config);
    expect(resolved.prefix).toBe('rentguy');
    expect(resolved.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(resolved.workerCloseTimeoutMs).toBe(21_000);
    expect(resolved.jobDefaults.get('images')?.attempts).toBe(5);
  });

  it('keeps a minimum close budget when the grace period is tiny', () => {
    expect(
      resolveQueueOptions({ queues: ['images'] }, { ...config, SHUTDOWN_GRACE_MS: 1_000 })
        .workerCloseTimeoutMs,
    ).toBe(1_000);
  });

  it('lists every invalid option at once', () => {
    const queues = ['images', 'images', 'thumbnails'] as QueueName[];
    expect(() => resolveQueueOptions({ queues, prefix: 'a b' }, { REDIS_URL: '' })).toThrow(
      /"thumbnails" not in the catalog[\s\S]*images listed twice[\s\S]*prefix[\s\S]*REDIS_URL/,
    );
  });

  it('requires at least one queue', () => {
    expect(() => resolveQueueOptions({ queues: [] }, config)).toThrow(/at least one queue/);
  });
});
