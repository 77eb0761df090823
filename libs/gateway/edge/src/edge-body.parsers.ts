import type { Server } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { OWN_ROUTE_BODY_LIMITS, PASS_THROUGH_ROUTES } from './edge.routes';

function isPassThrough(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route !== undefined && PASS_THROUGH_ROUTES.has(route);
}

/**
 * Body parsing of the gateway. Its own routes get JSON parsed as usual. Proxied routes (EDGE_ROUTES)
 * get JSON and forms as the raw Buffer (the Stripe webhook signature covers the exact bytes;
 * re-serialising would break it; Mollie's ping is a form) and every other media type, multipart uploads included, as the request stream,
 * so a 15 MB upload is streamed through instead of buffered. Call before the app listens.
 */
export function installEdgeBodyParsers(app: NestFastifyApplication, jsonBodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  // A route's own limit wins over the parser's (413 `payload_too_large` past it).
  fastify.addHook('onRoute', (route) => {
    const own = OWN_ROUTE_BODY_LIMITS.find(({ prefix }) => route.url.startsWith(prefix));
    if (own && route.bodyLimit === undefined) {
      route.bodyLimit = own.bytes;
    }
  });
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<Server>('application/json', { bodyLimit: jsonBodyLimit }, (request, body, done) => {
    if (isPassThrough(request)) {
      done(null, body);
      return;
    }
    void parseJson(request, body.toString('utf8'), done);
  });
  // Nest would parse forms into objects; the Mollie webhook's `id=tr_…` passes through as bytes, and no
  // route of the gateway's own takes a form.
  app.useBodyParser<Server>(
    'application/x-www-form-urlencoded',
    { bodyLimit: jsonBodyLimit },
    (request, body, done) => {
      if (isPassThrough(request)) {
        done(null, body);
        return;
      }
      done(new DomainError(ErrorCode.UnsupportedMediaType, 'expected an application/json body'), undefined);
    },
  );
  // text/plain would be decoded to a string: only the catch-all below keeps it byte-exact.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('*', (request, payload, done) => {
    if (isPassThrough(request)) {
      done(null, payload);
      return;
    }
    if (request.is404) {
      // Let the router answer 404 rather than 415.
      done(null, undefined);
      return;
    }
    done(new DomainError(ErrorCode.UnsupportedMediaType, 'expected an application/json body'), undefined);
  });
}
