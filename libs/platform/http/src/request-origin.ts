import type { FastifyRequest } from 'fastify';

/** Where a request came from, for the audit entries it causes. */
export interface RequestOrigin {
  ip: string | null;
  requestId: string | null;
}

/**
 * The client address and the request id. At the gateway `request.ip` is the address
 * `TRUSTED_PROXIES` forwarded (or the connection's); a service behind the gateway trusts the
 * gateway's `x-forwarded-for`, and its request id is the gateway's `x-request-id`.
 */
export function originOf(request: FastifyRequest): RequestOrigin {
  return { ip: request.ip || null, requestId: String(request.id) };
}
