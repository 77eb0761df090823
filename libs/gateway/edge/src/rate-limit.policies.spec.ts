import { loadConfig, composeConfig } from '@rentguy/platform/config';
import { rateLimitConfig } from './rate-limit.config';
import { rateLimitChecksOf, rateLimitPolicies, type RateLimitSubject } from './rate-limit.policies';
import { rateLimitVerdict, type RateLimitDecision } from './rate-limit.verdict';

const composition = composeConfig('gateway', [rateLimitConfig]);
const config = (env: Record<string, string> = {}) => loadConfig(composition, { env });

const subject = (overrides: Partial<RateLimitSubject>): RateLimitSubject => ({
  method: 'GET',
  route: '/v1/bookings',
  ip: '203.0.113.7',
  userId: undefined,
  body: undefined,
  ...overrides,
});

describe('rate limit config', () => {
  it('has the documented defaults', () => {
    const policies = rateLimitPolicies(config());

    expect(
      Object.fromEntries(
        Object.values(policies).map((p) => [
          p.name,
          [p.rate.points, p.rate.durationSeconds, p.whenStoreDown],
        ]),
      ),
    ).toEqual({
      'login-ip-email': [5, 60, 'closed'],
      'login-ip': [20, 60, 'closed'],
      'password-reset-email': [3, 3600, 'closed'],
      'api-user': [600, 60, 'open'],
      'search-ip': [120, 60, 'open'],
    });
  });

  it('counts only failed logins against an account', () => {
    const policies = Object.values(rateLimitPolicies(config()));

    expect(policies.filter((p) => p.countsFailuresOnly).map((p) => p.name)).toEqual(['login-ip-email']);
  });

  it('reads <requests>/<window> in seconds, minutes or hours', () => {
    const parsed = config({
      RATE_LIMIT_LOGIN_PER_IP: '10/30s',
      RATE_LIMIT_API_PER_USER: '1000/5m',
      RATE_LIMIT_PASSWORD_RESET_PER_EMAIL: '5/2h',
    });

    expect(parsed.RATE_LIMIT_LOGIN_PER_IP).toEqual({ points: 10, durationSeconds: 30 });
    expect(parsed.RATE_LIMIT_API_PER_USER).toEqual({ points: 1000, durationSeconds: 300 });
    expect(parsed.RATE_LIMIT_PASSWORD_RESET_PER_EMAIL).toEqual({ points: 5, durationSeconds: 7200 });
  });

  it.each(['5', '5/m', '0/1m', '5/0m', '5/1d', 'five/1m'])('refuses %p', (value) => {
    expect(() => config({ RATE_LIMIT_SEARCH_PER_IP: value })).toThrow(/RATE_LIMIT_SEARCH_PER_IP/);
  });
});

describe('rateLimitChecksOf', () => {
  it('counts a login by address and email, and by address alone', () => {
    const checks = rateLimitChecksOf(
      subject({
        method: 'POST',
        route: '/v1/auth/login',
        body: { email: ' Ann@Example.com ', password: 'x' },
      }),
    );
    const same = rateLimitChecksOf(
      subject({ method: 'POST', route: '/v1/auth/login', body: { email: 'ann@example.com', password: 'y' } }),
    );

    expect(checks.map((c) => c.policy)).toEqual(['login-ip-email', 'login-ip']);
    expect(checks).toEqual(same);
    expect(checks[0]?.key).toMatch(/^203\.0\.113\.7\|/);
    expect(checks[0]?.key).not.toContain('ann');
    expect(checks[1]?.key).toBe('203.0.113.7');
  });

  it('still counts a login without an email by address', () => {
    expect(rateLimitChecksOf(subject({ method: 'POST', route: '/v1/auth/login', body: {} }))).toEqual([
      { policy: 'login-ip', key: '203.0.113.7' },
    ]);
  });

  it('counts a password reset by email, whatever the address', () => {
    const a = rateLimitChecksOf(
      subject({ method: 'POST', route: '/v1/auth/password-reset', body: { email: 'a@b.c' } }),
    );
    const b = rateLimitChecksOf(
      subject({
        method: 'POST',
        route: '/v1/auth/password-reset',
        ip: '198.51.100.1',
        body: { email: 'A@B.C' },
      }),
    );

    expect(a.map((c) => c.policy)).toEqual(['password-reset-email']);
    expect(a).toEqual(b);
  });

  it('counts anonymous search by address, a signed-in search by user only', () => {
    expect(rateLimitChecksOf(subject({ route: '/v1/properties' }))).toEqual([
      { policy: 'search-ip', key: '203.0.113.7' },
    ]);
    expect(rateLimitChecksOf(subject({ method: 'HEAD', route: '/v1/properties' }))).toEqual([
      { policy: 'search-ip', key: '203.0.113.7' },
    ]);
    expect(rateLimitChecksOf(subject({ route: '/v1/properties', userId: 'u1' }))).toEqual([
      { policy: 'api-user', key: 'u1' },
    ]);
  });

  it('leaves anonymous calls of other routes uncounted', () => {
    expect(rateLimitChecksOf(subject({ route: '/v1/properties/*' }))).toEqual([]);
    expect(rateLimitChecksOf(subject({ method: 'POST', route: '/v1/properties' }))).toEqual([]);
    expect(rateLimitChecksOf(subject({ route: undefined }))).toEqual([]);
  });
});

describe('rateLimitVerdict', () => {
  const policies = rateLimitPolicies(config());
  const counted = (
    name: keyof typeof policies,
    allowed: boolean,
    remaining: number,
    resetMs: number,
  ): RateLimitDecision => ({ policy: policies[name], counted: true, allowed, remaining, resetMs });

  it('describes the counter closest to its limit', () => {
    const verdict = rateLimitVerdict([
      counted('login-ip-email', true, 3, 40_000),
      counted('login-ip', true, 1, 10_100),
    ]);

    expect(verdict).toEqual({
      outcome: 'allowed',
      headers: { 'ratelimit-limit': '20', 'ratelimit-remaining': '1', 'ratelimit-reset': '11' },
    });
  });

  it('refuses over any limit, with the longest wait', () => {
    const verdict = rateLimitVerdict([
      counted('login-ip-email', false, 0, 42_001),
      counted('login-ip', false, 0, 5_000),
    ]);

    expect(verdict.outcome).toBe('limited');
    expect(verdict.policy?.name).toBe('login-ip-email');
    expect(verdict.headers).toEqual({
      'ratelimit-limit': '5',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '43',
      'retry-after': '43',
    });
  });

  it('waits at least a second', () => {
    expect(rateLimitVerdict([counted('search-ip', false, 0, 0)]).headers['retry-after']).toBe('1');
  });

  it('fails closed only for a closed policy, and open without headers otherwise', () => {
    expect(rateLimitVerdict([{ policy: policies['login-ip'], counted: false }]).outcome).toBe('unavailable');
    expect(rateLimitVerdict([{ policy: policies['search-ip'], counted: false }])).toEqual({
      outcome: 'allowed',
      headers: {},
    });
    expect(
      rateLimitVerdict([
        { policy: policies['api-user'], counted: false },
        counted('search-ip', true, 7, 1000),
      ]).headers['ratelimit-remaining'],
    ).toBe('7');
  });
});
