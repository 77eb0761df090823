import { Test, type TestingModule } from '@nestjs/testing';
import { composeConfig, loadConfig } from '@rentguy/platform/config';
import { DatabaseModule, databaseConfig } from '@rentguy/platform/database';
import { lifecycleConfig, OpsServer, ReadinessRegistry } from '@rentguy/platform/health';
import { loggingConfig } from '@rentguy/platform/logging';
import { KafkaClient } from '@rentguy/platform/messaging';
import { QueueModule, queueConfig } from '@rentguy/platform/queue';
import { queueTesting } from '@rentguy/testing/queue';
import { startTcpProxy, testEnvironment, waitUntil, type TcpProxy } from '@rentguy/testing/platform';
import { platformCoreModules } from './platform-core.modules';

// rentals' readiness policy against real PostgreSQL, Redis and Kafka, each behind a TCP proxy that
// the test cuts: only PostgreSQL, without which rentals serves nothing, makes the instance unready.

let proxies: Record<'postgres' | 'redis' | 'kafka', TcpProxy>;
let app: TestingModule;
let base: string;
let kafka: KafkaClient | undefined;

/**
 * The `kafka` check MessagingModule registers in an app that relays or consumes, on a new client: a
 * connected client talks to the broker's advertised address, not through the proxy, so a Kafka
 * outage is only visible to a client that connects while the proxy is cut.
 */
function registerKafkaCheck(): void {
  void kafka?.close();
  const client = new KafkaClient({ clientId: 'readiness-int', brokers: [`127.0.0.1:${proxies.kafka.port}`] });
  kafka = client;
  app.get(ReadinessRegistry).register('kafka', () => client.ping(2000));
}

/** `url` with its host and port replaced by the proxy's. */
function through(url: URL, proxy: TcpProxy): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  return proxied.href;
}

beforeAll(async () => {
  const env = testEnvironment();
  const database = new URL(env.databaseUrl);
  const redis = new URL(env.redisUrl);
  const [kafkaHost, kafkaPort] = (env.kafkaBrokers[0] ?? '').split(':');
  proxies = {
    postgres: await startTcpProxy({ host: database.hostname, port: Number(database.port || 5432) }),
    redis: await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) }),
    kafka: await startTcpProxy({ host: kafkaHost, port: Number(kafkaPort) }),
  };
  const composition = composeConfig('rentals', [loggingConfig, lifecycleConfig, databaseConfig, queueConfig]);
  const config = loadConfig(composition, {
    env: {
      LOG_LEVEL: 'silent',
      DATABASE_URL: through(database, proxies.postgres),
      DATABASE_POOL_SIZE: '2',
      DATABASE_SLOW_QUERY_MS: '1000',
      REDIS_URL: through(redis, proxies.redis),
    },
  });
  app = await Test.createTestingModule({
    imports: [
      ...platformCoreModules(composition, config, { requires: ['postgres'] }),
      DatabaseModule.forRoot({
        schema: { name: 'public', migrations: [] },
        applicationName: 'readiness-int',
      }),
      QueueModule.forRoot({ queues: ['images'], prefix: queueTesting.randomPrefix() }),
    ],
  }).compile();
  await app.init();
  registerKafkaCheck();
  base = `http://127.0.0.1:${await app.get(OpsServer).listen(0, '127.0.0.1')}`;
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(proxies ?? {}).map((proxy) => proxy.restore()));
  await app?.get(OpsServer).close();
  await kafka?.close();
  await app?.close();
  await Promise.all(Object.values(proxies ?? {}).map((proxy) => proxy.close()));
});

async function readiness(): Promise<{
  status: number;
  body: Record<string, Record<string, { status: string }>>;
}> {
  const response = await fetch(`${base}/health/ready`);
  return {
    status: response.status,
    body: (await response.json()) as Record<string, Record<string, { status: string }>>,
  };
}

const allUp = () =>
  waitUntil(
    async () => {
      const { status, body } = await readiness();
      return status === 200 && body.optional.redis.status === 'up' && body.optional.kafka.status === 'up';
    },
    { timeoutMs: 30_000, description: 'every dependency up again' },
  );

describe('readiness of an app that requires PostgreSQL only', () => {
  it('is ready with everything up', async () => {
    await allUp();
    expect(await readiness()).toMatchObject({
      status: 200,
      body: { details: { postgres: { status: 'up' } } },
    });
  });

  it.each(['redis', 'kafka'] as const)('stays ready during a %s outage and reports it', async (name) => {
    await proxies[name].cut();
    if (name === 'kafka') {
      registerKafkaCheck();
    }
    try {
      await waitUntil(async () => (await readiness()).body.optional?.[name]?.status === 'down', {
        timeoutMs: 15_000,
        description: `${name} reported down`,
      });
      expect((await readiness()).status).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain(`dependency_up{dependency="${name}",required="false"} 0`);
    } finally {
      await proxies[name].restore();
    }
    await allUp();
  });

  it('turns unready during a PostgreSQL outage, naming it, and ready again after', async () => {
    await proxies.postgres.cut();
    try {
      const during = await readiness();
      expect(during.status).toBe(503);
      expect(during.body.error.postgres.status).toBe('down');
    } finally {
      await proxies.postgres.restore();
    }
    await allUp();
  });
});
