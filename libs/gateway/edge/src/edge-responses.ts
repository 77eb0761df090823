import compress from '@fastify/compress';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigOf } from '@rentguy/platform/config';
import type { edgeHttpConfig } from './edge-http.config';
import {
  cacheControlOf,
  docsPageContentSecurityPolicy,
  HTML_CONTENT_SECURITY_POLICY,
  ifNoneMatchHolds,
  strongEtag,
  takesEtag,
} from './edge-response.policy';
import { API_DOCS_ROUTES, cachePolicyOf } from './edge.routes';

/** Smallest body worth compressing: below it, the headers and CPU cost more than they save. */
const COMPRESS_MIN_BYTES = 1024;

function appendVary(reply: FastifyReply, name: string): void {
  const current = reply.getHeader('vary');
  const listed = String(current ?? '')
    .split(',')
    .map((token) => token.trim().toLowerCase());
  if (!listed.includes(name.toLowerCase())) {
    void reply.header('vary', current ? `${String(current)}, ${name}` : name);
  }
}

const hasCredentials = (request: FastifyRequest): boolean =>
  request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined;

/**
 * How the public edge answers, for its own routes and proxied ones alike
 * (docs/architecture.md#http-at-the-edge): the HTML pages' CSP, `Cache-Control` by route
 * (`ROUTE_CACHE_POLICIES`), a strong ETag with 304 on public reads, then gzip or brotli for bodies of
 * 1 KB or more. Call before the app's routes are registered (compression attaches per route).
 */
export async function installEdgeResponses(
  app: NestFastifyApplication,
  config: ConfigOf<typeof edgeHttpConfig>,
): Promise<void> {
  const settings = {
    maxAgeSeconds: config.PUBLIC_CACHE_MAX_AGE_SECONDS,
    staleWhileRevalidateSeconds: config.PUBLIC_CACHE_STALE_WHILE_REVALIDATE_SECONDS,
  };
  const fastify = app.getHttpAdapter().getInstance();
  // A global hook runs before compression's route hooks: the ETag is of the uncompressed body.
  fastify.addHook('onSend', async (request, reply, payload: unknown) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      const docsPage = request.routeOptions.url === API_DOCS_ROUTES.page && typeof payload === 'string';
      void reply.header(
        'content-security-policy',
        docsPage ? docsPageContentSecurityPolicy(payload) : HTML_CONTENT_SECURITY_POLICY,
      );
    }
    const policy = cachePolicyOf(request.routeOptions.url);
    if (policy === undefined) {
      return payload;
    }
    const answered = {
      method: request.method,
      status: reply.statusCode,
      authenticated: hasCredentials(request),
    };
    void reply.header('cache-control', cacheControlOf(policy, answered, settings));
    if (policy === 'immutable') {
      // Image variants are embedded by frontends on other origins; helmet's `same-origin` would block them.
      void reply.header('cross-origin-resource-policy', 'cross-origin');
    }
    if (policy === 'public') {
      // A shared cache must not hand an anonymous answer to a signed-in caller, nor the reverse.
      appendVary(reply, 'Authorization');
    }
    if (!takesEtag(policy, answered) || !(typeof payload === 'string' || Buffer.isBuffer(payload))) {
      return payload;
    }
    const upstreamEtag = reply.getHeader('etag');
    const etag = typeof upstreamEtag === 'string' ? upstreamEtag : strongEtag(payload);
    void reply.header('etag', etag);
    if (ifNoneMatchHolds(request.headers['if-none-match'], etag)) {
      void reply.code(304);
      reply.removeHeader('content-length');
      reply.removeHeader('content-type');
      return null;
    }
    return payload;
  });
  await app.register(compress, { encodings: ['br', 'gzip'], threshold: COMPRESS_MIN_BYTES });
}
