import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffOptions {
  /** Delay before the first retry. */
  initialMs: number;
  /** Upper bound of any single delay. */
  maxMs: number;
  /** Growth per attempt; 2 doubles. */
  factor?: number;
  /** Fraction of the delay that is randomised (0 = none), so replicas do not retry in lockstep. */
  jitter?: number;
}

/**
 * Exponential backoff, capped: attempt 1 waits about `initialMs`, attempt n about
 * `initialMs * factor^(n-1)`, never more than `maxMs`. Jitter only shortens a delay, so the cap holds.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const { initialMs, maxMs, factor = 2, jitter = 0.2 } = options;
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const base = Math.min(maxMs, initialMs * factor ** exponent);
  const spread = Math.min(Math.max(jitter, 0), 1);
  return Math.round(base * (1 - spread * random()));
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) {
    return;
  }
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (!signal?.aborted) {
      throw error;
    }
  }
}
