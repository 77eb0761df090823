import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from './audit-log.service';

/** The client address (behind `TRUSTED_PROXIES`, the one they forwarded) and the request id. */
export function originOf(request: FastifyRequest): RequestOrigin {
  return { ip: request.ip || null, requestId: String(request.id) };
}
