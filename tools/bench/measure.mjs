// How the bench measures: load with autocannon, distributions of sequential samples, JSON calls.
import autocannon from 'autocannon';

export const DEFAULT_CONNECTIONS = 16;

/** Load for `durationS` seconds; the figures of one scenario row. */
export function load(title, { durationS, connections = DEFAULT_CONNECTIONS, ...options }) {
  return new Promise((resolve, reject) => {
    autocannon({ connections, duration: durationS, ...options }, (error, result) => {
      if (error) {
        reject(error);
        return;
      }
      resolve({
        title,
        connections,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        total: result.requests.total,
        non2xx: result.non2xx + result.errors,
      });
    });
  });
}

/** Nearest-rank percentile of ascending `sorted` values. */
export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function distribution(title, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    title,
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
  };
}

export async function json(url, method, body, token) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${method} ${url} → ${response.status} ${await response.text()}`);
  }
  return response.json();
}

/** Polls `check` every 50 ms until it returns a truthy value; throws after `timeoutMs`. */
export async function poll(what, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const met = (ok) => (ok ? 'met' : 'MISSED');
