import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { startTcpProxy, testEnvironment, type TcpProxy } from '@rentguy/testing/platform';
import { ErrorFilter } from './error.filter';

// Real PostgreSQL and Redis behind TCP proxies that a test can cut, so the errors the drivers raise
// during an outage are the real ones, and the shared servers keep running for everyone else.

let pgProxy: TcpProxy;
let redisProxy: TcpProxy;
let dataSource: DataSource;
let redis: Redis;
let app: NestFastifyApplication;
let baseUrl: string;

@Controller('probe')
class ProbeController {
  @Get('db')
  async db(): Promise<{ ok: number }> {
    const [row] = await dataSource.query<{ ok: number }[]>('SELECT 1 AS ok');
    return row;
  }

  @Get('cache')
  async cache(): Promise<{ value: string | null }> {
    return { value: await redis.get('error-mapping-probe') };
  }

  @Get('bug')
  bug(): never {
    throw new TypeError("Cannot read properties of undefined (reading 'id')");
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

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
  const redisUrl = new URL(env.redisUrl);
  pgProxy = await startTcpProxy({ host: database.hostname, port: Number(database.port || 5432) });
  redisProxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
  dataSource = new DataSource({
    type: 'postgres',
    url: through(database, pgProxy),
    // As the platform's data sources: a connection that cannot be had in time is an error.
    extra: { max: 2, connectionTimeoutMillis: 1000 },
  });
  await dataSource.initialize();
  // As the platform's producer connection: one retry, then the command fails instead of waiting.
  redis = new Redis(through(redisUrl, redisProxy), { maxRetriesPerRequest: 1 });
  app = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter(), {
    logger: false,
  });
  app.useGlobalFilters(new ErrorFilter());
  await app.listen(0, '127.0.0.1');
  baseUrl = await app.getUrl();
});

afterAll(async () => {
  await app?.close();
  redis?.disconnect();
  await dataSource?.destroy().catch(() => undefined);
  await pgProxy?.close();
  await redisProxy?.close();
});

async function get(path: string) {
  const response = await fetch(`${baseUrl}${path}`);
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { error?: { code: string; message: string; requestId?: string } },
  };
}

describe('errors at the HTTP edge of a service', () => {
  it('answers 503 service_unavailable with Retry-After while PostgreSQL is unreachable, and 200 once it is back', async () => {
    expect((await get('/probe/db')).status).toBe(200);

    await pgProxy.cut();
    const during = await Promise.all([get('/probe/db'), get('/probe/db'), get('/probe/db')]);
    for (const response of during) {
      expect(response).toMatchObject({
        status: 503,
        retryAfter: '2',
        body: { error: { code: 'service_unavailable', requestId: expect.any(String) } },
      });
    }

    await pgProxy.restore();
    await expect(get('/probe/db')).resolves.toMatchObject({ status: 200, body: { ok: 1 } });
  });

  it('answers 503 service_unavailable while Redis is unreachable', async () => {
    expect((await get('/probe/cache')).status).toBe(200);
    await redisProxy.cut();
    await expect(get('/probe/cache')).resolves.toMatchObject({
      status: 503,
      retryAfter: '2',
      body: { error: { code: 'service_unavailable' } },
    });
    await redisProxy.restore();
  });

  it('answers 500 internal_error with the request id for a bug, and shows nothing of it', async () => {
    const response = await get('/probe/bug');
    expect(response.status).toBe(500);
    expect(response.retryAfter).toBeNull();
    expect(response.body).toEqual({
      error: { code: 'internal_error', message: 'internal error', requestId: expect.any(String) },
    });
  });
});
