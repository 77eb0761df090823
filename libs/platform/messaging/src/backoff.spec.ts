import { backoffDelay, sleep } from './backoff';

describe('backoffDelay', () => {
  const noJitter = { initialMs: 200, maxMs: 1_000, factor: 2, jitter: 0 };

  it('grows exponentially from the initial delay', () => {
    expect([1, 2, 3].map((attempt) => backoffDelay(attempt, noJitter))).toEqual([200, 400, 800]);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelay(4, noJitter)).toBe(1_000);
    expect(backoffDelay(50, noJitter)).toBe(1_000);
    expect(backoffDelay(10_000, { initialMs: 500, maxMs: 10_000 })).toBeLessThanOrEqual(10_000);
  });

  it('treats attempts below 1 as the first attempt', () => {
    expect(backoffDelay(0, noJitter)).toBe(200);
    expect(backoffDelay(-3, noJitter)).toBe(200);
  });

  it('jitter only shortens a delay, by at most the jitter fraction', () => {
    const options = { initialMs: 1_000, maxMs: 1_000, jitter: 0.2 };
    expect(backoffDelay(1, options, () => 0)).toBe(1_000);
    expect(backoffDelay(1, options, () => 0.999999)).toBe(800);
    expect(backoffDelay(1, options, () => 0.5)).toBe(900);
  });

  it('reaches 1 s from 200 ms in one step with factor 5 (the consumer retry default)', () => {
    const options = { initialMs: 200, maxMs: 1_000, factor: 5, jitter: 0 };
    expect([1, 2, 3].map((attempt) => backoffDelay(attempt, options))).toEqual([200, 1_000, 1_000]);
  });
});

describe('sleep', () => {
  it('returns early, without throwing, when aborted', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const sleeping = sleep(60_000, abort.signal);
    abort.abort();
    await expect(sleeping).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('returns at once for an already aborted signal or a non-positive delay', async () => {
    await expect(sleep(60_000, AbortSignal.abort())).resolves.toBeUndefined();
    await expect(sleep(0)).resolves.toBeUndefined();
  });
});
