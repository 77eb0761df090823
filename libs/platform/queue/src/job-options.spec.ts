import { buildJobOptions, queueJobDefaults, resolveJobDefaults } from './job-options';

describe('buildJobOptions', () => {
  const defaults = resolveJobDefaults('images');

  it('uses the deterministic job id and the queue retries and retention', () => {
    expect(
      buildJobOptions(defaults, 'image.process', { entityId: '0b6f2f5e-1c1d-4b7e-9d1a-3c9a2f1e8b7d' }),
    ).toEqual({
      jobId: '0b6f2f5e-1c1d-4b7e-9d1a-3c9a2f1e8b7d-image-process',
      attempts: 5,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 86_400, count: 1000 },
      removeOnFail: { age: 604_800 },
    });
  });

  it('gives the same id for the same entity and job, so a second enqueue is a no-op', () => {
    const a = buildJobOptions(defaults, 'image.process', { entityId: 'e1' });
    const b = buildJobOptions(defaults, 'image.process', { entityId: 'e1', delayMs: 500 });
    expect(a.jobId).toBe(b.jobId);
  });

  it('delays the job when asked', () => {
    expect(buildJobOptions(defaults, 'image.process', { entityId: 'e1', delayMs: 1500 }).delay).toBe(1500);
  });

  it.each([
    [{ entityId: '' }, /entityId is empty/],
    [{ entityId: 'a:b' }, /contains ':'/],
    [{ entityId: 'e1', delayMs: -1 }, /delayMs/],
    [{ entityId: 'e1', delayMs: 1.5 }, /delayMs/],
  ])('rejects %j', (options, message) => {
    expect(() => buildJobOptions(defaults, 'image.process', options)).toThrow(message);
  });
});

describe('resolveJobDefaults', () => {
  it('gives every queue of the catalog retries and retention', () => {
    for (const defaults of Object.values(queueJobDefaults)) {
      expect(defaults.attempts).toBeGreaterThan(1);
      expect(defaults.removeOnComplete.ageSeconds).toBeGreaterThan(0);
      expect(defaults.removeOnFail.ageSeconds).toBeGreaterThan(0);
    }
  });

  it('applies overrides of one queue only', () => {
    const overrides = { images: { backoff: { type: 'fixed' as const, delayMs: 10 } } };
    expect(resolveJobDefaults('images', overrides).backoff).toEqual({ type: 'fixed', delayMs: 10 });
    expect(resolveJobDefaults('images', overrides).attempts).toBe(5);
    expect(resolveJobDefaults('email', overrides).backoff.delayMs).toBe(10_000);
  });

  it('rejects a non-positive number of attempts', () => {
    expect(() => resolveJobDefaults('images', { images: { attempts: 0 } })).toThrow(
      /attempts must be a positive integer/,
    );
  });
});
