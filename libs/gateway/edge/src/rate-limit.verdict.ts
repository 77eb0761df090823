import type { RateLimitPolicy } from './rate-limit.policies';

/** One counter's answer; `counted: false` when Redis could not answer in time. */
export type RateLimitDecision =
  | { policy: RateLimitPolicy; counted: true; allowed: boolean; remaining: number; resetMs: number }
  | { policy: RateLimitPolicy; counted: false };

export interface RateLimitVerdict {
  /** `unavailable`: a fail-closed limit could not be counted (503). */
  outcome: 'allowed' | 'limited' | 'unavailable';
  /** The policy that decided a refusal. */
  policy?: RateLimitPolicy;
  /** `RateLimit-Limit`/`-Remaining`/`-Reset` (seconds) of the tightest counter, `Retry-After` on 429. */
  headers: Record<string, string>;
}

type Counted = Extract<RateLimitDecision, { counted: true }>;

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

function headersOf(decision: Counted): Record<string, string> {
  return {
    'ratelimit-limit': String(decision.policy.rate.points),
    'ratelimit-remaining': String(Math.max(0, decision.remaining)),
    'ratelimit-reset': String(seconds(decision.resetMs)),
  };
}

/**
 * Folds the answers of every counter a request took a point from into one outcome. Over any limit
 * is 429, and `Retry-After` is the longest wait among the limits passed; otherwise the headers
 * describe the counter closest to its limit.
 */
export function rateLimitVerdict(decisions: readonly RateLimitDecision[]): RateLimitVerdict {
  const counted = decisions.filter((d): d is Counted => d.counted);
  const refused = counted.filter((d) => !d.allowed).sort((a, b) => b.resetMs - a.resetMs)[0];
  if (refused) {
    return {
      outcome: 'limited',
      policy: refused.policy,
      headers: { ...headersOf(refused), 'retry-after': String(seconds(refused.resetMs)) },
    };
  }
  const uncounted = decisions.find((d) => !d.counted && d.policy.whenStoreDown === 'closed');
  if (uncounted) {
    return { outcome: 'unavailable', policy: uncounted.policy, headers: {} };
  }
  const tightest = [...counted].sort((a, b) => a.remaining - b.remaining || b.resetMs - a.resetMs)[0];
  return { outcome: 'allowed', headers: tightest ? headersOf(tightest) : {} };
}
