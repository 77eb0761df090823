import { Logger } from '@nestjs/common';
import { Pool, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { describeError } from '@rentguy/platform/errors';

/** Below the services' own keep-alive (Fastify: 72 s), so we never reuse a socket they are closing. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

export interface ServiceClientOptions {
  /** The sibling's name, in errors and logs. */
  service: string;
  /** Its base URL; a path (e.g. `/rentals` behind an ingress) prefixes every request. */
  url: string;
  /** Bounds connecting, waiting for the response headers and each silence in the body. */
  timeoutMs: number;
  /** Most keep-alive connections (undici pool size). */
  connections: number;
}

export interface ServiceRequest<S extends z.ZodType> {
  method: Dispatcher.HttpMethod;
  path: string;
  /** `Bearer <token>`: the end user's forwarded token, or this service's own credential. */
  authorization: string;
  /** Sent as JSON. */
  body?: unknown;
  /** What a 200 answer must be; anything else is a contract break between two deploys. */
  schema: S;
}

/** A sibling's answer: a validated 200 body, or the status of a 4xx answer. */
export type ServiceAnswer<T> = { ok: true; body: T } | { ok: false; status: number };

/**
 * JSON calls to a sibling service's internal HTTP API over a keep-alive undici pool. The sibling
 * being unreachable, too slow or failing (5xx) becomes `upstream_unavailable` (503 with
 * Retry-After): the caller's request can be retried, and nothing it did is half-done. A 200 body
 * that does not match the contract fails loudly (500); it is never guessed at.
 */
export class ServiceClient {
  private readonly logger: Logger;
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(private readonly options: ServiceClientOptions) {
    this.logger = new Logger(`ServiceClient(${options.service})`);
    const url = new URL(options.url);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    });
  }

  async request<S extends z.ZodType>(request: ServiceRequest<S>): Promise<ServiceAnswer<z.infer<S>>> {
    const what = `${request.method} ${request.path}`;
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        method: request.method,
        path: this.basePath + request.path,
        headers: {
          accept: 'application/json',
          authorization: request.authorization,
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
    } catch (error) {
      throw this.unavailable(what, describeError(error));
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      if (response.statusCode >= 500 || response.statusCode < 400) {
        throw this.unavailable(what, `answered ${response.statusCode}`);
      }
      return { ok: false, status: response.statusCode };
    }
    let body: unknown;
    try {
      body = await response.body.json();
    } catch (error) {
      throw this.unavailable(what, `unreadable body: ${describeError(error)}`);
    }
    const parsed = request.schema.safeParse(body);
    if (!parsed.success) {
      throw new Error(
        `${this.options.service} answered ${what} with an invalid body: ${parsed.error.message}`,
      );
    }
    return { ok: true, body: parsed.data };
  }

  /** Requests in flight finish first (each is bounded by the timeouts). */
  close(): Promise<void> {
    return this.pool.close();
  }

  private unavailable(what: string, reason: string): DomainError {
    this.logger.warn(`${this.options.service} unavailable for ${what}: ${reason}`);
    return new DomainError(
      ErrorCode.UpstreamUnavailable,
      `${this.options.service} is unavailable, try again shortly`,
    );
  }
}
