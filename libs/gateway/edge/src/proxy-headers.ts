import { RETRY_AFTER_SECONDS } from '@rentguy/platform/http';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * End-to-end request headers a service may need. An allow-list, not a block-list: hop-by-hop
 * headers (RFC 9110 §7.6.1), cookies and anything a client invents never reach a service.
 */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'accept-language',
  'authorization',
  'content-type',
  'content-encoding',
  'if-none-match',
  'if-match',
  'if-modified-since',
  'idempotency-key',
] as const;

/** Response headers a client may need; hop-by-hop and service internals stay behind. */
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-disposition',
  'etag',
  'last-modified',
  'cache-control',
  'expires',
  'vary',
  'location',
  'retry-after',
] as const;

type HeaderValue = string | string[] | undefined;

/** Header names a sender listed in `Connection`: hop-by-hop by declaration, even if allow-listed. */
export function connectionTokens(headers: Record<string, HeaderValue>): Set<string> {
  const value = headers['connection'];
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    joined
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

function pick(
  headers: Record<string, HeaderValue>,
  names: readonly string[],
  into: Record<string, string>,
  hopByHop: Set<string>,
): void {
  for (const name of names) {
    const value = headers[name];
    if (value === undefined || hopByHop.has(name)) {
      continue;
    }
    into[name] = Array.isArray(value) ? value.join(', ') : value;
  }
}

export interface UpstreamRequestHeaderOptions {
  requestId: string;
  /**
   * The caller's address as the gateway resolved it (its own trusted proxies applied). It is the whole
   * `x-forwarded-for` a service sees: a chain the caller sent is dropped, so services, which trust the
   * header because only the gateway reaches them, can never be handed an address the caller chose.
   */
  clientAddress?: string;
  protocol: string;
  /** Forward the body's `content-length` (streamed bodies; a Buffer body gets its own). */
  withContentLength: boolean;
  /** Route-specific headers, e.g. `stripe-signature` on the Stripe webhook. */
  extra?: readonly string[];
  /** Forward the caller's `traceparent`/`tracestate` unchanged (only when we do not trace ourselves). */
  withTraceContext: boolean;
  /** Forward the caller's conditions (`If-None-Match` …); false when the whole answer is needed. */
  conditional?: boolean;
}

const CONDITIONAL_REQUEST_HEADERS = ['if-none-match', 'if-match', 'if-modified-since'] as const;

/** The headers sent to a service for one proxied request. */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  options: UpstreamRequestHeaderOptions,
): Record<string, string> {
  const hopByHop = connectionTokens(incoming);
  const headers: Record<string, string> = {};
  pick(incoming, FORWARDED_REQUEST_HEADERS, headers, hopByHop);
  if (options.conditional === false) {
    for (const name of CONDITIONAL_REQUEST_HEADERS) {
      delete headers[name];
    }
  }
  if (options.withContentLength) {
    pick(incoming, ['content-length'], headers, hopByHop);
  }
  if (options.extra) {
    pick(incoming, options.extra, headers, hopByHop);
  }
  if (options.withTraceContext) {
    pick(incoming, ['traceparent', 'tracestate'], headers, hopByHop);
  }
  headers['x-request-id'] = options.requestId;
  if (options.clientAddress) {
    headers['x-forwarded-for'] = options.clientAddress;
  }
  headers['x-forwarded-proto'] = options.protocol;
  return headers;
}

/** The headers of a service's response that are passed on to the caller. */
export function downstreamResponseHeaders(
  upstream: Record<string, HeaderValue>,
  statusCode: number,
): Record<string, string> {
  const headers: Record<string, string> = {};
  pick(upstream, FORWARDED_RESPONSE_HEADERS, headers, connectionTokens(upstream));
  // Every 503 the public gets says when to retry, also one a service sends without saying (Fastify's
  // answer while a service is closing).
  if (statusCode === 503 && headers['retry-after'] === undefined) {
    headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  }
  return headers;
}
