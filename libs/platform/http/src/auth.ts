import { createHash, timingSafeEqual, type KeyObject } from 'node:crypto';
import {
  createParamDecorator,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DomainError, ErrorCode, ROLES, type Role } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { httpConfig } from './http.config';
import { ACCESS_TOKEN_ALGORITHM, publicKeysByKid } from './jwt-keys';

/** Who is calling, from a verified access token. */
export interface Principal {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** The session (refresh-token family) the token was issued for (`sid`); absent right after registration. */
  sessionId?: string;
}

/**
 * Verifies access tokens the gateway signed (EdDSA) with the public keys of `JWT_PUBLIC_KEYS`; every
 * configured key verifies, chosen by the token's `kid`. It holds no secret: it cannot mint a token.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly keys: Map<string, KeyObject>;

  constructor(@InjectConfig(httpConfig) private readonly config: ConfigOf<typeof httpConfig>) {
    this.keys = publicKeysByKid(config.JWT_PUBLIC_KEYS);
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
        algorithms: [ACCESS_TOKEN_ALGORITHM],
      }));
    } catch {
      throw new DomainError(ErrorCode.Unauthenticated, 'invalid or expired access token');
    }
    const role = payload['role'];
    if (typeof payload.sub !== 'string' || typeof role !== 'string' || !ROLES.includes(role as Role)) {
      throw new DomainError(ErrorCode.Unauthenticated, 'malformed access token');
    }
    const sid = payload['sid'];
    return {
      id: payload.sub,
      role: role as Role,
      email: String(payload['email'] ?? ''),
      name: String(payload['name'] ?? ''),
      ...(typeof sid === 'string' ? { sessionId: sid } : {}),
    };
  }
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Checks the credential a sibling service presents on a service-only route against this
 * service's `SERVICE_TOKENS`. Tokens are compared as SHA-256 digests in constant time, so neither
 * a token's length nor its prefix leaks through timing.
 */
@Injectable()
export class ServiceCredentialVerifier {
  private readonly digests: { caller: string; digest: Buffer }[];

  constructor(@InjectConfig(httpConfig) config: ConfigOf<typeof httpConfig>) {
    this.digests = config.SERVICE_TOKENS.map(({ caller, secret }) => ({ caller, digest: sha256(secret) }));
  }

  /** The caller the token belongs to, when it is one of `callers`. */
  verify(token: string, callers: readonly string[]): string {
    const presented = sha256(token);
    let match: string | undefined;
    for (const { caller, digest } of this.digests) {
      // No early exit: every configured digest is compared whatever matched.
      if (timingSafeEqual(presented, digest) && callers.includes(caller)) {
        match = caller;
      }
    }
    if (match === undefined) {
      throw new DomainError(ErrorCode.Unauthenticated, 'invalid service credential');
    }
    return match;
  }
}

const PUBLIC = 'rentguy:public';
const ROLES_KEY = 'rentguy:roles';
const SERVICE_CALLERS = 'rentguy:service-callers';

/** Opts a route out of authentication (login, webhooks, public reads). Everything else is guarded. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);

/** Restricts a route to some roles (admins always pass). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/**
 * Makes a route service-only: it accepts the listed sibling services' credentials
 * (`SERVICE_TOKENS`) and nothing else. An end user's access token is refused on it, and a service
 * credential is refused on every other route. For calls no end user is waiting on, such as a
 * sweep asking another service; a call made on a user's behalf forwards their token instead.
 */
export const ServiceOnly = (...callers: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(SERVICE_CALLERS, callers);

type AuthedRequest = FastifyRequest & { principal?: Principal; accessToken?: string; serviceCaller?: string };

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
}

/**
 * Global guard: every route requires a valid bearer token unless marked @Public(), so a new
 * route is protected by default.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly services: ServiceCredentialVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const token = bearerOf(request);
    const callers = this.reflector.getAllAndOverride<string[] | undefined>(SERVICE_CALLERS, targets);
    if (callers) {
      if (!token) {
        throw new DomainError(ErrorCode.Unauthenticated, 'missing service credential');
      }
      request.serviceCaller = this.services.verify(token, callers);
      return true;
    }
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC, targets);
    if (token) {
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

/** What every HTTP app provides to authenticate its routes: the verifiers and the global guard. */
export const authProviders: Provider[] = [
  AccessTokenVerifier,
  ServiceCredentialVerifier,
  { provide: APP_GUARD, useClass: AuthGuard },
];

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

/** Who may call a route, as its guards decide it: what the OpenAPI document says about its security. */
export interface AuthRequirement {
  public: boolean;
  roles: readonly Role[];
  serviceOnly: boolean;
}

/** The auth metadata of a handler, the handler's own winning over its controller's (as in `AuthGuard`). */
export function authRequirementOf(controller: object, handler: object): AuthRequirement {
  const read = <T>(key: string): T | undefined =>
    (Reflect.getMetadata(key, handler) as T | undefined) ??
    (Reflect.getMetadata(key, controller) as T | undefined);
  return {
    public: read<boolean>(PUBLIC) === true,
    roles: read<Role[]>(ROLES_KEY) ?? [],
    serviceOnly: read<string[]>(SERVICE_CALLERS) !== undefined,
  };
}
