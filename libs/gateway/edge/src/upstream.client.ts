import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { edgeConfig, type Upstream } from './edge.config';

type EdgeConfig = ConfigOf<typeof edgeConfig>;

/** Longest silence while a response body streams (image variants, slow clients). */
const BODY_TIMEOUT_MS = 30_000;
/** Below the services' own keep-alive (Fastify: 72 s), so we never reuse a socket they are closing. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;
const CLOSE_GRACE_MS = 5_000;

export interface UpstreamRequest {
  method: Dispatcher.HttpMethod;
  /** Path and query, as the caller sent them. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer | Readable;
}

interface Target {
  pool: Pool;
  /** Path prefix of the service URL, e.g. `/rentals` behind an ingress; usually empty. */
  basePath: string;
}

/** One keep-alive undici pool per service: bounded connections, and timeouts so nothing hangs. */
@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  private readonly targets: Record<Upstream, Target>;

  constructor(@InjectConfig(edgeConfig) config: EdgeConfig) {
    this.targets = {
      rentals: target(config.RENTALS_URL, config),
      payments: target(config.PAYMENTS_URL, config),
      notifications: target(config.NOTIFICATIONS_URL, config),
    };
  }

  request(upstream: Upstream, request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    const { pool, basePath } = this.targets[upstream];
    return pool.request({
      method: request.method,
      path: basePath + request.path,
      headers: request.headers,
      body: request.body,
    });
  }

  // After the HTTP server has closed (Nest disposes it before shutdown hooks): in-flight proxied
  // requests finish first; a stuck one is cut after a grace period.
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      Object.values(this.targets).map(async ({ pool }) => {
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, CLOSE_GRACE_MS);
        });
        await Promise.race([pool.close(), grace]);
        clearTimeout(timer);
        if (!pool.destroyed) {
          await pool.destroy();
        }
      }),
    );
  }
}

function target(url: string, config: EdgeConfig): Target {
  const parsed = new URL(url);
  return {
    pool: new Pool(parsed.origin, {
      connections: config.UPSTREAM_CONNECTIONS,
      connect: { timeout: config.UPSTREAM_CONNECT_TIMEOUT_MS },
      headersTimeout: config.UPSTREAM_HEADERS_TIMEOUT_MS,
      bodyTimeout: BODY_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    }),
    basePath: parsed.pathname.replace(/\/+$/, ''),
  };
}
