import {
  createParamDecorator,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DomainError, ErrorCode, ROLES, type Role } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { httpConfig } from './http.config';

/** Who is calling, from a verified access token. */
export interface Principal {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** Verifies access tokens signed by the gateway; every configured key verifies, chosen by `kid`. */
@Injectable()
export class AccessTokenVerifier {
  private readonly keys: Map<string, Uint8Array>;

  constructor(@InjectConfig(httpConfig) private readonly config: ConfigOf<typeof httpConfig>) {
    this.keys = new Map(config.JWT_KEYS.map((k) => [k.kid, new TextEncoder().encode(k.secret)]));
  }

  async verify(token: string): Promise<Principal> {
    const getKey: JWTVerifyGetKey = (header) => {
      const key = header.kid ? this.keys.get(header.kid) : undefined;
      if (!key) {
        throw new DomainError(ErrorCode.Unauthenticated, 'unknown token key');
      }
      return key;
    };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        issuer: this.config.JWT_ISSUER,
        algorithms: ['HS256'],
      }));
    } catch {
      throw new DomainError(ErrorCode.Unauthenticated, 'invalid or expired access token');
    }
    const role = payload['role'];
    if (typeof payload.sub !== 'string' || typeof role !== 'string' || !ROLES.includes(role as Role)) {
      throw new DomainError(ErrorCode.Unauthenticated, 'malformed access token');
    }
    return {
      id: payload.sub,
      role: role as Role,
      email: String(payload['email'] ?? ''),
      name: String(payload['name'] ?? ''),
    };
  }
}

const PUBLIC = 'rentguy:public';
const ROLES_KEY = 'rentguy:roles';

/** Opts a route out of authentication (login, webhooks, public reads). Everything else is guarded. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);

/** Restricts a route to some roles (admins always pass). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

type AuthedRequest = FastifyRequest & { principal?: Principal; accessToken?: string };

/**
 * Global guard: every route requires a valid bearer token unless marked @Public(), so a new
 * route is protected by default.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC, targets);
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const token = header.slice('Bearer '.length).trim();
      request.principal = await this.verifier.verify(token);
      request.accessToken = token;
    } else if (!isPublic) {
      throw new DomainError(ErrorCode.Unauthenticated, 'missing bearer token');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (
      roles &&
      request.principal &&
      request.principal.role !== 'admin' &&
      !roles.includes(request.principal.role)
    ) {
      throw new DomainError(ErrorCode.Forbidden, `requires role ${roles.join(' or ')}`);
    }
    return true;
  }
}

/** The verified caller; only on guarded routes. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) {
    throw new DomainError(ErrorCode.Unauthenticated, 'authentication required');
  }
  return principal;
});

/**
 * The verified caller on a `@Public()` route, or null when no token was sent: for public reads
 * that show more to some callers (a host sees their own unpublished listing).
 */
export const OptionalUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal | null =>
    context.switchToHttp().getRequest<AuthedRequest>().principal ?? null,
);

/**
 * The verified caller's bearer token, to forward on a service-to-service call made on their behalf
 * (the way the gateway forwards it to us); only on guarded routes.
 */
export const AccessToken = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const token = context.switchToHttp().getRequest<AuthedRequest>().accessToken;
  if (!token) {
    throw new DomainError(ErrorCode.Unauthenticated, 'authentication required');
  }
  return token;
});
