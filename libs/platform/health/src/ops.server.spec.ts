import { Test } from '@nestjs/testing';
import { MetricsModule } from '@rentguy/platform/metrics';
import { HealthModule } from './health.module';
import { OpsServer } from './ops.server';
import { ReadinessRegistry } from './readiness.registry';

describe('OpsServer', () => {
  let ops: OpsServer;
  let readiness: ReadinessRegistry;
  let base: string;
  let databaseUp = true;
  let redisUp = true;

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ requires: ['postgres'] }), MetricsModule],
    }).compile();
    ops = module.get(OpsServer);
    readiness = module.get(ReadinessRegistry);
    readiness.register('postgres', async () => {
      if (!databaseUp) {
        throw new Error('connection refused');
      }
    });
    readiness.register('redis', async () => {
      if (!redisUp) {
        throw new Error('redis PING timed out');
      }
    });
    base = `http://127.0.0.1:${await ops.listen(0, '127.0.0.1')}`;
  });

  afterAll(() => ops.close());

  it('answers liveness without checking dependencies', async () => {
    databaseUp = false;
    const response = await fetch(`${base}/health/live`);
    expect(response.status).toBe(200);
  });

  it('is unready while a required dependency is down, naming it', async () => {
    databaseUp = true;
    const up = await fetch(`${base}/health/ready`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({
      status: 'ok',
      info: { postgres: { status: 'up' } },
      error: {},
      details: { postgres: { status: 'up' } },
      optional: { redis: { status: 'up' } },
    });
    databaseUp = false;
    const down = await fetch(`${base}/health/ready`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({
      status: 'error',
      error: { postgres: { status: 'down', message: 'Error: connection refused' } },
    });
    databaseUp = true;
  });

  it('stays ready while a dependency it degrades around is down, and reports it', async () => {
    redisUp = false;
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      optional: { redis: { status: 'down', message: 'Error: redis PING timed out' } },
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('dependency_up{dependency="redis",required="false"} 0');
    expect(metrics).toContain('dependency_up{dependency="postgres",required="true"} 1');
    redisUp = true;
  });

  it('serves Prometheus text with default process metrics', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('turns readiness to 503 once draining starts, even with healthy dependencies', async () => {
    databaseUp = true;
    readiness.startDraining();
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'shutting_down' });
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });
});
