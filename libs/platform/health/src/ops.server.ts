import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { ReadinessRegistry } from './readiness.registry';
import { describeError } from '@rentguy/platform/errors';

const CHECK_TIMEOUT_MS = 3000;

/**
 * The ops port: `/health/live`, `/health/ready` and `/metrics`, kept off the public port so that
 * neither health details nor metrics are reachable from the internet.
 */
@Injectable()
export class OpsServer {
  private readonly logger = new Logger(OpsServer.name);
  private server?: Server;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: MetricsRegistry,
  ) {
    const checkDependencies = () => this.checkDependencies();
    const isRequired = (name: string) => this.readiness.isRequired(name);
    metrics.gauge({
      name: 'dependency_up',
      help: 'Whether each dependency answered its check at scrape time (1) or not (0); required="true" ones make the app unready',
      labelNames: ['dependency', 'required'],
      async collect() {
        for (const { name, up } of await checkDependencies()) {
          this.set({ dependency: name, required: String(isRequired(name)) }, up ? 1 : 0);
        }
      },
    });
  }

  async listen(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.logger.error(error);
        respond(res, 500, 'application/json', JSON.stringify({ status: 'error' }));
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      respond(
        res,
        405,
        'application/json',
        JSON.stringify({ status: 'error', message: 'method not allowed' }),
      );
      return;
    }
    switch (path) {
      case '/health/live':
        respond(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
        return;
      case '/health/ready': {
        const { status, body } = await this.checkReadiness();
        respond(res, status, 'application/json', JSON.stringify(body));
        return;
      }
      case '/metrics':
        respond(res, 200, this.metrics.contentType, await this.metrics.render());
        return;
      default:
        respond(res, 404, 'application/json', JSON.stringify({ status: 'error', message: 'not found' }));
    }
  }

  /**
   * 503 while draining or while a dependency the app's policy requires is down; every other
   * dependency is checked too and reported under `optional`, without failing readiness.
   */
  async checkReadiness(): Promise<{ status: number; body: ReadinessBody | { status: 'shutting_down' } }> {
    if (this.readiness.isDraining) {
      return { status: 503, body: { status: 'shutting_down' } };
    }
    const results = await this.checkDependencies();
    const optional: Record<string, { status: 'up' | 'down'; message?: string }> = {};
    const required: (() => Promise<HealthIndicatorResult>)[] = [];
    for (const { name, up, message } of results) {
      if (this.readiness.isRequired(name)) {
        const session = this.indicators.check(name);
        required.push(() => Promise.resolve(up ? session.up() : session.down({ message })));
      } else {
        optional[name] = up ? { status: 'up' } : { status: 'down', message };
      }
    }
    try {
      return { status: 200, body: { ...(await this.health.check(required)), optional } };
    } catch (error) {
      const response = (error as { getResponse?: () => HealthCheckResult }).getResponse?.();
      if (response) {
        return { status: 503, body: { ...response, optional } };
      }
      throw error;
    }
  }

  private checkDependencies(): Promise<{ name: string; up: boolean; message?: string }[]> {
    return Promise.all(
      this.readiness.entries().map(async ([name, check]) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return { name, up: true };
        } catch (error) {
          return { name, up: false, message: describeError(error) };
        }
      }),
    );
  }
}

/** Terminus' result over the required dependencies, plus the state of the others. */
export type ReadinessBody = HealthCheckResult & {
  optional: Record<string, { status: 'up' | 'down'; message?: string }>;
};

function respond(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
