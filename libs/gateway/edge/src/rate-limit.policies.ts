import { createHash } from 'node:crypto';
import type { Rate, RateLimitConfig } from './rate-limit.config';

/** The limits the gateway enforces (docs/architecture.md#rate-limits). */
export type RateLimitPolicyName =
  'login-ip-email' | 'login-ip' | 'password-reset-email' | 'api-user' | 'search-ip';

export interface RateLimitPolicy {
  name: RateLimitPolicyName;
  rate: Rate;
  /**
   * What a request gets while Redis cannot count: `open` lets it through (a fairness limit, not worth
   * an outage), `closed` refuses it with 503 (a brute-force guard must not switch off with Redis).
   */
  whenStoreDown: 'open' | 'closed';
  /** The point is given back when the request succeeds: only failed attempts count. */
  countsFailuresOnly?: boolean;
}

/** Every policy with its configured rate. */
export function rateLimitPolicies(config: RateLimitConfig): Record<RateLimitPolicyName, RateLimitPolicy> {
  return {
    'login-ip-email': {
      name: 'login-ip-email',
      rate: config.RATE_LIMIT_LOGIN_PER_IP_EMAIL,
      whenStoreDown: 'closed',
      // Password guessing against one account; its owner signing in again and again is not.
      countsFailuresOnly: true,
    },
    'login-ip': { name: 'login-ip', rate: config.RATE_LIMIT_LOGIN_PER_IP, whenStoreDown: 'closed' },
    'password-reset-email': {
      name: 'password-reset-email',
      rate: config.RATE_LIMIT_PASSWORD_RESET_PER_EMAIL,
      whenStoreDown: 'closed',
    },
    'api-user': { name: 'api-user', rate: config.RATE_LIMIT_API_PER_USER, whenStoreDown: 'open' },
    'search-ip': { name: 'search-ip', rate: config.RATE_LIMIT_SEARCH_PER_IP, whenStoreDown: 'open' },
  };
}

/** What a request is counted by. */
export interface RateLimitSubject {
  method: string;
  /** The matched route template, e.g. `/v1/properties/*`. */
  route: string | undefined;
  /** The client's address (X-Forwarded-For only from trusted proxies). */
  ip: string;
  /** The verified caller, when a valid token came with the request. */
  userId: string | undefined;
  body: unknown;
}

/** One counter to take a point from: the policy and the key it counts under. */
export interface RateLimitCheck {
  policy: RateLimitPolicyName;
  key: string;
}

/** Emails are counted by digest, so the counters' Redis holds no addresses. */
function emailKeyOf(body: unknown): string | undefined {
  const email = (body as { email?: unknown } | null | undefined)?.email;
  if (typeof email !== 'string' || email.trim() === '') {
    return undefined;
  }
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

type RouteLimit = (subject: RateLimitSubject) => (RateLimitCheck | undefined)[];

/**
 * Limits by route, as `<METHOD> <route template>`. Matched by path, so a limit holds for a route as
 * soon as the route exists.
 */
const ROUTE_LIMITS: Readonly<Record<string, RouteLimit>> = {
  'POST /v1/auth/login': (s) => {
    const email = emailKeyOf(s.body);
    return [
      email === undefined ? undefined : { policy: 'login-ip-email', key: `${s.ip}|${email}` },
      { policy: 'login-ip', key: s.ip },
    ];
  },
  'POST /v1/auth/password-reset': (s) => {
    const email = emailKeyOf(s.body);
    return [email === undefined ? undefined : { policy: 'password-reset-email', key: email }];
  },
  // Anonymous search only: a signed-in caller's searches count against their own limit.
  'GET /v1/properties': (s) => [s.userId === undefined ? { policy: 'search-ip', key: s.ip } : undefined],
  'HEAD /v1/properties': (s) => ROUTE_LIMITS['GET /v1/properties']?.(s) ?? [],
};

/** The counters a request takes a point from: its route's limits, and its caller's own. */
export function rateLimitChecksOf(subject: RateLimitSubject): RateLimitCheck[] {
  const byRoute =
    subject.route === undefined ? undefined : ROUTE_LIMITS[`${subject.method} ${subject.route}`];
  const checks = (byRoute?.(subject) ?? []).filter((check): check is RateLimitCheck => check !== undefined);
  if (subject.userId !== undefined) {
    checks.push({ policy: 'api-user', key: subject.userId });
  }
  return checks;
}
