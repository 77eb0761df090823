import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { composeConfig, ConfigModule, loadConfig } from '@rentguy/platform/config';
import { HealthModule, lifecycleConfig, OpsServer } from '@rentguy/platform/health';
import { loggingConfig, LoggingModule } from '@rentguy/platform/logging';
import { MetricsModule, MetricsRegistry } from '@rentguy/platform/metrics';
import { startTcpProxy, testEnvironment, waitUntil, type TcpProxy } from '@rentguy/testing/platform';
import { cacheConfig } from './cache.config';
import { CacheModule } from './cache.module';
import { ReadCache } from './read-cache';

// Two instances of an app sharing one cache Redis (through a TCP proxy the test can cut), as two
// replicas share theirs: L1 per instance, L2 and the invalidation bus in Redis.

let proxy: TcpProxy;
let prefix: string;
const instances: TestingModule[] = [];

async function startInstance(): Promise<TestingModule> {
  const redis = new URL(testEnvironment().redisUrl);
  const composition = composeConfig('rentals', [loggingConfig, lifecycleConfig, cacheConfig]);
  const config = loadConfig(composition, {
    env: { LOG_LEVEL: 'silent', CACHE_REDIS_URL: `redis://127.0.0.1:${proxy.port}${redis.pathname}` },
  });
  const app = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(composition, config),
      LoggingModule.forRoot({ service: composition.service }),
      MetricsModule,
      HealthModule.forRoot({ requires: [] }),
      CacheModule.forRoot({ prefix }),
    ],
  }).compile();
  await app.init();
  instances.push(app);
  return app;
}

async function lookups(app: TestingModule): Promise<Record<string, number>> {
  const text = await app.get(MetricsRegistry).render();
  return Object.fromEntries(
    [...text.matchAll(/^cache_requests_total\{cache="(\w+)",tier="(\w+)",result="(\w+)"\} (\d+)/gm)].map(
      ([, cache, tier, result, n]) => [`${cache}/${tier}/${result}`, Number(n)],
    ),
  );
}

beforeAll(async () => {
  const redis = new URL(testEnvironment().redisUrl);
  proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
});

beforeEach(() => {
  prefix = `test-${randomUUID().slice(0, 8)}`;
});

afterEach(async () => {
  await proxy.restore();
  await Promise.all(instances.splice(0).map((app) => app.close()));
});

afterAll(async () => {
  await proxy?.close();
});

describe('ReadCache', () => {
  it('serves a loaded value from L1, and another instance from L2, counting each tier', async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    const load = jest.fn(async () => ({ title: 'Canal house' }));
    const read = (app: TestingModule) =>
      app.get(ReadCache).getOrLoad('property:1', load, { ttlSeconds: 60, tags: ['property:1'] });

    await expect(read(a)).resolves.toEqual({ title: 'Canal house' });
    await expect(read(a)).resolves.toEqual({ title: 'Canal house' });
    await expect(read(b)).resolves.toEqual({ title: 'Canal house' });
    expect(load).toHaveBeenCalledTimes(1);
    // Reads only: bentocache's own lookups of the tags' invalidation times are not counted.
    expect(await lookups(a)).toEqual({
      'property/l1/miss': 1,
      'property/l2/miss': 1,
      'property/l1/hit': 1,
    });
    expect(await lookups(b)).toEqual({ 'property/l1/miss': 1, 'property/l2/hit': 1 });
  });

  it('keeps as many entries in L1 as configured, past bentocache default of 1,000', async () => {
    const app = await startInstance();
    const keys = Array.from({ length: 1_500 }, (_, i) => `property:${i}`);
    const read = (key: string) =>
      app.get(ReadCache).getOrLoad(key, async () => ({ key }), { ttlSeconds: 60, tags: [] });
    for (const key of keys) {
      await read(key);
    }
    for (const key of keys) {
      await read(key);
    }

    expect(await lookups(app)).toEqual({
      'property/l1/miss': 1_500,
      'property/l2/miss': 1_500,
      'property/l1/hit': 1_500,
    });
  });

  it('runs one load for concurrent misses of a key', async () => {
    const app = await startInstance();
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return loads;
    };
    const values = await Promise.all(
      Array.from({ length: 20 }, () =>
        app.get(ReadCache).getOrLoad('search:x', load, { ttlSeconds: 60, tags: [] }),
      ),
    );
    expect(loads).toBe(1);
    expect(new Set(values)).toEqual(new Set([1]));
  });

  it('after a write on one instance, the other never serves the old value once the invalidation has arrived', async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    let version = 1;
    const read = (app: TestingModule) =>
      app.get(ReadCache).getOrLoad('property:2', async () => ({ version }), {
        ttlSeconds: 300,
        tags: (value) => [`property:2`, `v${value.version}`],
      });
    expect(await read(a)).toEqual({ version: 1 });
    expect(await read(b)).toEqual({ version: 1 });

    version = 2;
    await a.get(ReadCache).invalidate(['property:2']);
    // The writer itself never serves the old value again.
    expect(await read(a)).toEqual({ version: 2 });
    // The other instance drops it when the bus message arrives, and from then on never serves it.
    await waitUntil(async () => (await read(b)).version === 2, {
      timeoutMs: 5000,
      description: 'the invalidation on b',
    });
    for (let i = 0; i < 20; i += 1) {
      expect(await read(b)).toEqual({ version: 2 });
    }
  });

  it('an instance started while Redis is down hears invalidations once Redis is back', async () => {
    const a = await startInstance();
    await proxy.cut();
    const b = await startInstance();
    let version = 1;
    const read = (app: TestingModule) =>
      app
        .get(ReadCache)
        .getOrLoad('property:4', async () => ({ version }), { ttlSeconds: 300, tags: ['property:4'] });
    expect(await read(b)).toEqual({ version: 1 });
    await proxy.restore();
    // b's bus subscription went through when Redis came back: a's invalidation reaches b's L1.
    version = 2;
    await waitUntil(
      async () => {
        await a.get(ReadCache).invalidate(['property:4']);
        return (await read(b)).version === 2;
      },
      { timeoutMs: 15_000, description: "b to drop its entry on a's invalidation" },
    );
  }, 30_000);

  it('passes what the loader throws through unchanged, and caches nothing', async () => {
    const app = await startInstance();
    const failure = new Error('property not found');
    const load = jest.fn().mockRejectedValueOnce(failure).mockResolvedValueOnce('found');
    const read = () => app.get(ReadCache).getOrLoad('property:3', load, { ttlSeconds: 60, tags: [] });
    await expect(read()).rejects.toBe(failure);
    await expect(read()).resolves.toBe('found');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('answers from the loader while Redis is down, reports it on readiness without failing it, and recovers', async () => {
    const app = await startInstance();
    const ops = app.get(OpsServer);
    const base = `http://127.0.0.1:${await ops.listen(0, '127.0.0.1')}`;
    try {
      await proxy.cut();
      let n = 0;
      const load = async () => (n += 1);
      for (let i = 0; i < 5; i += 1) {
        await app
          .get(ReadCache)
          .getOrLoad(`property:down-${i}`, load, { ttlSeconds: 60, tags: ['property:down'] });
      }
      expect(n).toBe(5);
      const readiness = async () => {
        const response = await fetch(`${base}/health/ready`);
        const body = (await response.json()) as { optional: Record<string, { status: string }> };
        return { status: response.status, cache: body.optional['cache-redis']?.status };
      };
      expect(await readiness()).toEqual({ status: 200, cache: 'down' });

      await proxy.restore();
      await waitUntil(async () => (await readiness()).cache === 'up', {
        timeoutMs: 15_000,
        description: 'cache redis to be reported up again',
      });
      await app.get(ReadCache).getOrLoad('property:back', load, { ttlSeconds: 60, tags: [] });
      await expect(
        app.get(ReadCache).getOrLoad('property:back', load, { ttlSeconds: 60, tags: [] }),
      ).resolves.toBe(6);
      expect(n).toBe(6);
    } finally {
      await ops.close();
    }
  }, 30_000);
});
