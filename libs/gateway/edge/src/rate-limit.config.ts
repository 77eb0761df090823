import { z } from 'zod';
import { defineConfig, type ConfigOf } from '@rentguy/platform/config';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** A limit written as `<requests>/<window>`, the window in seconds, minutes or hours: `5/1m`, `3/1h`. */
export interface Rate {
  points: number;
  durationSeconds: number;
}

/** Parses `5/1m`-style limits; exported for the config's unit test. */
export function parseRate(value: string, context: z.core.$RefinementCtx<string>): Rate {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*([smh])\s*$/.exec(value);
  const points = Number(match?.[1]);
  const amount = Number(match?.[2]);
  if (!match || points < 1 || amount < 1) {
    context.addIssue({
      code: 'custom',
      message: 'expected <requests>/<window> with a window in s, m or h, e.g. 5/1m or 3/1h',
    });
    return z.NEVER;
  }
  return { points, durationSeconds: amount * UNIT_SECONDS[match[3] as keyof typeof UNIT_SECONDS] };
}

const rate = (fallback: string) => z.string().default(fallback).transform(parseRate);

/**
 * The gateway's rate limits (docs/architecture.md#rate-limits) and the Redis that counts them. The
 * counters expire on their own, so an evicting Redis (the cache one) is fine for them.
 */
export const rateLimitConfig = defineConfig('rate-limit', {
  RATE_LIMIT_REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Longest wait for Redis on one request before the limit fails open or closed. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(5000).default(250),
  RATE_LIMIT_LOGIN_PER_IP_EMAIL: rate('5/1m'),
  RATE_LIMIT_LOGIN_PER_IP: rate('20/1m'),
  RATE_LIMIT_PASSWORD_RESET_PER_EMAIL: rate('3/1h'),
  RATE_LIMIT_API_PER_USER: rate('600/1m'),
  RATE_LIMIT_SEARCH_PER_IP: rate('120/1m'),
});

export type RateLimitConfig = ConfigOf<typeof rateLimitConfig>;
