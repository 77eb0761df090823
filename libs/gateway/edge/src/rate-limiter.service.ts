import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { InjectConfig } from '@rentguy/platform/config';
import { describeError } from '@rentguy/platform/errors';
import { ReadinessRegistry } from '@rentguy/platform/health';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { rateLimitConfig, type RateLimitConfig } from './rate-limit.config';
import {
  rateLimitPolicies,
  type RateLimitCheck,
  type RateLimitPolicy,
  type RateLimitPolicyName,
} from './rate-limit.policies';
import type { RateLimitDecision } from './rate-limit.verdict';

/**
 * Counts requests in Redis with rate-limiter-flexible (one atomic INCR + PEXPIRE script per counter,
 * fixed windows). Redis that is down or slower than `RATE_LIMIT_REDIS_TIMEOUT_MS` gives
 * `counted: false` at once (no offline queue, a command timeout), and the policy decides.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger('RateLimiter');
  private readonly redis: Redis;
  private readonly limiters: Record<
    RateLimitPolicyName,
    { policy: RateLimitPolicy; limiter: RateLimiterRedis }
  >;
  private readonly decisions: Counter<'policy' | 'outcome'>;
  /** Logged once per outage, not once per request. */
  private storeDown = false;

  constructor(
    @InjectConfig(rateLimitConfig) config: RateLimitConfig,
    readiness: ReadinessRegistry,
    metrics: MetricsRegistry,
  ) {
    this.redis = new Redis(config.RATE_LIMIT_REDIS_URL, {
      connectionName: 'gateway:rate-limit',
      enableOfflineQueue: false,
      commandTimeout: config.RATE_LIMIT_REDIS_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      // Reconnect quickly and forever: limits fail open or closed meanwhile, never wait.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    });
    // Without a listener ioredis prints every reconnect error as "Unhandled error event".
    this.redis.on('error', (error: Error) => this.logger.warn(`redis (rate limits): ${error.message}`));
    const policies = rateLimitPolicies(config);
    this.limiters = Object.fromEntries(
      Object.values(policies).map((policy) => [
        policy.name,
        {
          policy,
          limiter: new RateLimiterRedis({
            storeClient: this.redis,
            keyPrefix: `rl:${policy.name}`,
            points: policy.rate.points,
            duration: policy.rate.durationSeconds,
            rejectIfRedisNotReady: true,
          }),
        },
      ]),
    ) as RateLimiter['limiters'];
    this.decisions = metrics.counter({
      name: 'gateway_rate_limit_decisions_total',
      help: 'Rate limit checks by policy and outcome (allowed, limited, or store_unavailable when Redis did not answer)',
      labelNames: ['policy', 'outcome'],
    });
    readiness.register('redis', () => this.redis.ping());
  }

  /** Takes one point from the counter of `check`. */
  async consume(check: RateLimitCheck): Promise<RateLimitDecision> {
    const { policy, limiter } = this.limiters[check.policy];
    try {
      const result = await limiter.consume(check.key);
      this.decisions.inc({ policy: policy.name, outcome: 'allowed' });
      this.storeAnswered();
      return {
        policy,
        counted: true,
        allowed: true,
        remaining: result.remainingPoints,
        resetMs: result.msBeforeNext,
      };
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        this.decisions.inc({ policy: policy.name, outcome: 'limited' });
        this.storeAnswered();
        return { policy, counted: true, allowed: false, remaining: 0, resetMs: error.msBeforeNext };
      }
      this.decisions.inc({ policy: policy.name, outcome: 'store_unavailable' });
      if (!this.storeDown) {
        this.storeDown = true;
        this.logger.warn(
          `rate limits not counted until Redis answers again (login fails closed, reads open): ${describeError(error)}`,
        );
      }
      return { policy, counted: false };
    }
  }

  /** Gives back the point `check` took (a successful login under a failures-only policy). */
  async refund(check: RateLimitCheck): Promise<void> {
    try {
      await this.limiters[check.policy].limiter.reward(check.key, 1);
    } catch (error) {
      // The point stays taken: at worst one more counted attempt until the window ends.
      this.logger.warn(`rate limit "${check.policy}": could not give a point back: ${describeError(error)}`);
    }
  }

  private storeAnswered(): void {
    if (this.storeDown) {
      this.storeDown = false;
      this.logger.log('rate limits counted again');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
