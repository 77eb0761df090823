import { describeError } from '@rentguy/platform/errors';

export interface WaitUntilOptions {
  /** Total time allowed, 5000 ms by default. */
  timeoutMs?: number;
  /** Pause between two attempts, 50 ms by default. */
  intervalMs?: number;
  /** What is awaited, in words: it starts the timeout error ("Timed out after 5000 ms waiting for <description>"). */
  description?: string;
}

/** Values `waitUntil` keeps polling on. */
type Falsy = false | 0 | '' | null | undefined;

/**
 * Polls `check` until it returns (or resolves to) a truthy value, and resolves with that value.
 * A `check` that throws counts as "not yet"; the last error is reported if time runs out, so a
 * timeout says why the condition never held instead of only that it did not.
 */
export async function waitUntil<T>(
  check: () => T | Promise<T>,
  options: WaitUntilOptions = {},
): Promise<Exclude<T, Falsy>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 50;
  const description = options.description ?? 'condition';
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  let lastError: unknown;
  let lastValue: unknown;
  let hung: boolean;

  for (;;) {
    attempts += 1;
    const remaining = deadline - Date.now();
    // A check that hangs must not hold the caller past the deadline.
    const outcome = await raceWithTimeout(check, Math.max(remaining, 0));
    if (outcome.kind === 'value') {
      if (outcome.value) {
        return outcome.value as Exclude<T, Falsy>;
      }
      lastValue = outcome.value;
      lastError = undefined;
    } else if (outcome.kind === 'error') {
      lastError = outcome.error;
    }
    hung = outcome.kind === 'timeout';
    if (hung || Date.now() + intervalMs > deadline) {
      break;
    }
    await sleep(intervalMs);
  }

  const detail = hung
    ? 'the last check was still running'
    : lastError !== undefined
      ? `last error: ${describeError(lastError)}`
      : `last value: ${describe(lastValue)}`;
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${description} (${attempts} attempt${attempts === 1 ? '' : 's'}; ${detail})`,
    lastError !== undefined ? { cause: lastError } : undefined,
  );
}

type Outcome<T> = { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

async function raceWithTimeout<T>(check: () => T | Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const attempt = (async (): Promise<Outcome<T>> => {
    try {
      return { kind: 'value', value: await check() };
    } catch (error) {
      return { kind: 'error', error };
    }
  })();
  const timeout = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), ms);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
