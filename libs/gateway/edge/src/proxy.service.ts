import { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { context, propagation } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Counter, Histogram } from 'prom-client';
import type { Dispatcher } from 'undici';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { BodyTooLargeError, ByteLimitTransform } from './byte-limit.transform';
import type { Upstream } from './edge.config';
import { EdgeReadCache, UnkeptAnswer, type KeptAnswer } from './edge-read-cache';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './proxy-headers';
import { UpstreamClient } from './upstream.client';
import { describeError } from '@rentguy/platform/errors';

export interface ProxyOptions {
  /** Largest body accepted for this route, in bytes. */
  bodyLimit: number;
  /** Route-specific request headers to forward, e.g. `stripe-signature`. */
  extraHeaders?: readonly string[];
}

/**
 * Answers up to this size are read whole before they are sent on: the edge's ETag hashes them and
 * compression can see their size. Larger ones (image variants) stream through.
 */
const BUFFERED_ANSWER_MAX_BYTES = 1_048_576;

/** `.` and `..` segments, also percent-encoded: a proxied path must not climb out of its prefix. */
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|\?|$)/i;

@Injectable()
export class ProxyService {
  private readonly logger = new Logger(ProxyService.name);
  private readonly requests: Counter<'upstream' | 'status_code'>;
  private readonly duration: Histogram<'upstream' | 'status_code'>;

  constructor(
    private readonly upstreams: UpstreamClient,
    private readonly edgeReads: EdgeReadCache,
    metrics: MetricsRegistry,
  ) {
    this.requests = metrics.counter({
      name: 'gateway_upstream_requests_total',
      help: 'Requests the gateway forwarded, by service and status code ("error" when none came back)',
      labelNames: ['upstream', 'status_code'],
    });
    this.duration = metrics.histogram({
      name: 'gateway_upstream_request_duration_seconds',
      help: 'Time until a service answered with response headers, by service and status code',
      labelNames: ['upstream', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  }

  /**
   * Forwards the request to `upstream` and streams its answer back: status, body and the
   * end-to-end headers. A service that is down or too slow becomes 503 `upstream_unavailable`. An
   * anonymous read the edge keeps (`EdgeReadCache`) is answered from the read cache when warm.
   */
  async forward(
    upstream: Upstream,
    request: FastifyRequest,
    reply: FastifyReply,
    options: ProxyOptions,
  ): Promise<void> {
    if (DOT_SEGMENT.test(request.url)) {
      throw new DomainError(ErrorCode.NotFound, 'not found');
    }
    const declaredLength = Number(request.headers['content-length'] ?? 0);
    if (declaredLength > options.bodyLimit) {
      throw tooLarge(reply, options.bodyLimit);
    }
    const read = this.edgeReads.readOf(request);
    if (read === undefined) {
      const answer = await this.fetch(upstream, request, reply, options, true);
      await this.edgeReads.wrote(request, answer.status);
      await send(reply, answer);
      return;
    }
    let kept: KeptAnswer;
    try {
      kept = await this.edgeReads.answer(read, async () => {
        // Filled unconditionally: the entry needs the body, and the edge's own ETag answers 304s.
        const answer = await this.fetch(upstream, request, reply, options, false);
        if (Buffer.isBuffer(answer.body) && EdgeReadCache.keeps(answer.status, answer.headers, answer.body)) {
          return { status: answer.status, headers: answer.headers, body: answer.body.toString('utf8') };
        }
        throw new UnkeptAnswer(answer);
      });
    } catch (error) {
      if (error instanceof UnkeptAnswer) {
        await send(reply, error.answer as UpstreamAnswer);
        return;
      }
      throw error;
    }
    await send(reply, kept);
  }

  /** The service's answer to the request: small bodies read whole, larger ones streaming. */
  private async fetch(
    upstream: Upstream,
    request: FastifyRequest,
    reply: FastifyReply,
    options: ProxyOptions,
    conditional: boolean,
  ): Promise<UpstreamAnswer> {
    const path = request.url;
    const body = this.bodyOf(request, options.bodyLimit);
    const headers = upstreamRequestHeaders(request.headers, {
      requestId: String(request.id),
      clientAddress: request.ip,
      protocol: request.protocol,
      withContentLength: body instanceof Readable,
      extra: options.extraHeaders,
      withTraceContext: !isTracing(),
      conditional,
    });

    const started = process.hrtime.bigint();
    let response: Dispatcher.ResponseData;
    try {
      response = await this.upstreams.request(upstream, {
        method: request.method as Dispatcher.HttpMethod,
        path,
        headers,
        body,
      });
    } catch (error) {
      this.observe(upstream, 'error', started);
      if (
        error instanceof BodyTooLargeError ||
        (error as { cause?: unknown }).cause instanceof BodyTooLargeError
      ) {
        throw tooLarge(reply, options.bodyLimit);
      }
      this.logger.warn(`${upstream} unavailable for ${request.method} ${path}: ${describeError(error)}`);
      throw new DomainError(ErrorCode.UpstreamUnavailable, `${upstream} is unavailable, try again shortly`);
    }
    this.observe(upstream, String(response.statusCode), started);

    const answerHeaders = downstreamResponseHeaders(response.headers, response.statusCode);
    if (request.method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304) {
      // No body may follow; release the connection back to the pool.
      await response.body.dump();
      return { status: response.statusCode, headers: answerHeaders, body: undefined };
    }
    try {
      return {
        status: response.statusCode,
        headers: answerHeaders,
        body: await wholeOrStreamed(response, BUFFERED_ANSWER_MAX_BYTES),
      };
    } catch (error) {
      this.logger.warn(
        `${upstream} broke off its answer to ${request.method} ${path}: ${describeError(error)}`,
      );
      throw new DomainError(ErrorCode.UpstreamUnavailable, `${upstream} is unavailable, try again shortly`);
    }
  }

  private bodyOf(request: FastifyRequest, limit: number): Buffer | Readable | undefined {
    const body = request.body;
    if (Buffer.isBuffer(body)) {
      return body;
    }
    if (body instanceof Readable) {
      // Streamed through as it arrives (uploads), failing once it grows past the limit. `pipe`, not
      // `pipeline`: on overflow the request stream must stay open so the caller still gets our 413.
      const limited = new ByteLimitTransform(limit);
      body.once('error', (error) => limited.destroy(error));
      body.pipe(limited);
      return limited;
    }
    if (body !== undefined) {
      throw new Error(
        `${request.routeOptions.url ?? request.url} is proxied but its body was parsed: list it in EDGE_ROUTES`,
      );
    }
    return undefined;
  }

  private observe(upstream: Upstream, statusCode: string, started: bigint): void {
    const labels = { upstream, status_code: statusCode };
    this.requests.inc(labels);
    this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
  }
}

/**
 * The answer's body as one Buffer when it is at most `max` bytes, else a stream of all of it (what
 * was read so far, then the rest). A declared length over `max` streams without reading ahead.
 */
async function wholeOrStreamed(response: Dispatcher.ResponseData, max: number): Promise<Buffer | Readable> {
  if (Number(response.headers['content-length'] ?? 0) > max) {
    return response.body;
  }
  const iterator: AsyncIterator<Buffer> = response.body[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) {
      return Buffer.concat(head, size);
    }
    head.push(next.value);
    size += next.value.length;
    if (size > max) {
      return Readable.from(
        (async function* () {
          yield* head;
          for (let rest = await iterator.next(); !rest.done; rest = await iterator.next()) {
            yield rest.value;
          }
        })(),
      );
    }
  }
}

/** A service's answer as the edge passes it on. */
interface UpstreamAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | Readable | string | undefined;
}

async function send(reply: FastifyReply, answer: UpstreamAnswer): Promise<void> {
  const sent = reply.status(answer.status).headers(answer.headers);
  await (answer.body === undefined ? sent.send() : sent.send(answer.body));
}

/** A 413 that also ends the connection: the rest of an oversized upload is not worth reading. */
function tooLarge(reply: FastifyReply, limit: number): DomainError {
  void reply.header('connection', 'close');
  return new DomainError(ErrorCode.PayloadTooLarge, `request body exceeds ${limit} bytes`);
}

/**
 * With tracing on, OpenTelemetry's undici instrumentation injects `traceparent` for its own client
 * span; forwarding the caller's as well would send two. Without it, the caller's context is passed
 * on unchanged so the services still join the caller's trace.
 */
function isTracing(): boolean {
  const probe: Record<string, string> = {};
  propagation.inject(context.active(), probe);
  return 'traceparent' in probe;
}
