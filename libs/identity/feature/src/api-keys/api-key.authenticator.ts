import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { AccessTokenIssuer } from '../access-token.issuer';
import { looksLikeApiKey } from './api-key.secret';
import { requiredScope } from './api-key.scopes';
import { ApiKeysService } from './api-keys.service';

/** How long a key's owner token is reused before another is signed (it lives longer than this). */
const OWNER_TOKEN_REUSE_MS = 60_000;

/**
 * Authenticates partners' API keys (`Authorization: Bearer rgk_…` or `X-API-Key: rgk_…`) before
 * anything else sees the request: the key must be live, the route must be open to API keys and the
 * key must hold the route's scope (`api-key.scopes.ts`). The request then carries an ordinary access
 * token of the key's owner instead of the key, so the gateway's guards and the services behind it
 * authorize it object by object like any request of that user; the key itself never leaves the gateway.
 */
@Injectable()
export class ApiKeyAuthenticator implements NestMiddleware {
  private readonly ownerTokens = new Map<string, { token: string; role: string; signedAt: number }>();

  constructor(
    private readonly keys: ApiKeysService,
    private readonly issuer: AccessTokenIssuer,
  ) {}

  async use(
    request: IncomingMessage,
    _response: ServerResponse,
    next: (error?: unknown) => void,
  ): Promise<void> {
    try {
      const presented = presentedKey(request);
      if (presented !== undefined) {
        request.headers.authorization = `Bearer ${await this.exchange(presented, request.method ?? 'GET', pathOf(request))}`;
        delete request.headers['x-api-key'];
      }
      next();
    } catch (error) {
      next(error);
    }
  }

  private async exchange(presented: string, method: string, url: string): Promise<string> {
    const caller = await this.keys.authenticate(presented);
    const scope = requiredScope(method, url);
    if (scope === undefined) {
      throw new DomainError(ErrorCode.Forbidden, 'API keys cannot call this route; sign in instead');
    }
    if (!caller.scopes.includes(scope)) {
      throw new DomainError(ErrorCode.Forbidden, `this API key lacks the scope ${scope}`, {
        requiredScope: scope,
      });
    }
    const now = Date.now();
    const reusable = this.ownerTokens.get(caller.keyId);
    if (reusable && reusable.role === caller.owner.role && now - reusable.signedAt < OWNER_TOKEN_REUSE_MS) {
      return reusable.token;
    }
    const { token } = await this.issuer.issue(caller.owner);
    this.ownerTokens.set(caller.keyId, { token, role: caller.owner.role, signedAt: now });
    return token;
  }
}

/**
 * The request's path: middleware mounted on a path sees `url` relative to it (`/`), the whole one
 * in `originalUrl`.
 */
function pathOf(request: IncomingMessage & { originalUrl?: string }): string {
  return request.originalUrl ?? request.url ?? '/';
}

/** The API key a request presents, if any; a request may present one credential only. */
function presentedKey(request: IncomingMessage): string | undefined {
  const header = request.headers['x-api-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const authorization = request.headers.authorization;
  const bearer = authorization?.startsWith('Bearer ')
    ? authorization.slice('Bearer '.length).trim()
    : undefined;
  if (fromHeader !== undefined) {
    if (authorization !== undefined) {
      throw new DomainError(ErrorCode.ValidationFailed, 'send either X-API-Key or Authorization, not both');
    }
    return fromHeader.trim();
  }
  return bearer !== undefined && looksLikeApiKey(bearer) ? bearer : undefined;
}
