// How the bench measures: load with wrk, distributions of sequential samples, JSON calls.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_CONNECTIONS = 16;

/** Requests prepared for a load whose requests differ (`next`), unless the caller says how many. */
const DEFAULT_PREPARED = 50_000;
const WRK_SCRIPT = fileURLToPath(new URL('./wrk-requests.lua', import.meta.url));

/**
 * Load for `durationS` seconds from wrk (one thread, `connections` keep-alive connections); the
 * figures of one scenario row. wrk is C: the load generator takes a small share of the 2 cores the
 * platform runs on, and its pauses never show as the platform's latency.
 *
 * Every request is `method url` with `headers` and `body`, or, with `next`, what `next()` returns
 * for each (`path`, `method`, `headers`, `body` over those defaults): `prepared` of them are built
 * before the load and sent in turn, from the first again when they run out. With `rate`, requests
 * start at that overall rate (as long as a connection is free), otherwise as fast as answers come.
 */
export async function load(
  title,
  {
    durationS,
    connections = DEFAULT_CONNECTIONS,
    url,
    method = 'GET',
    headers = {},
    body,
    next,
    prepared,
    rate,
  },
) {
  const target = new URL(url);
  const base = { path: `${target.pathname}${target.search}`, method, headers, body };
  const count = next ? (prepared ?? DEFAULT_PREPARED) : 1;
  const raw = [];
  for (let i = 0; i < count; i += 1) {
    const request = next ? { ...base, ...next() } : base;
    raw.push(rawRequest(target.host, { ...request, headers: { ...headers, ...request.headers } }));
  }
  const dir = mkdtempSync(join(tmpdir(), 'rentguy-bench-'));
  try {
    const file = join(dir, 'requests');
    writeFileSync(file, raw.map((r) => `${r.length}\n${r.toString('latin1')}`).join(''), 'latin1');
    const args = ['-t1', `-c${connections}`, `-d${durationS}s`, '--timeout', '30s', '-s', WRK_SCRIPT];
    const stdout = await wrk([...args, `${target.origin}/`, '--', file, rate ? String(rate) : '']);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1));
    const durationSeconds = summary.durationUs / 1e6;
    return {
      title,
      connections,
      rps: summary.requests / durationSeconds,
      p50: summary.p50Us / 1000,
      p99: summary.p99Us / 1000,
      total: summary.requests,
      non2xx: summary.status + summary.connect + summary.read + summary.write + summary.timeout,
      prepared: count,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One HTTP/1.1 request, byte for byte as wrk sends it. */
function rawRequest(host, { path, method, headers, body }) {
  const payload = body === undefined ? undefined : Buffer.from(body);
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`];
  for (const [name, value] of Object.entries(headers)) {
    lines.push(`${name}: ${value}`);
  }
  if (payload !== undefined) {
    lines.push(`Content-Length: ${payload.length}`);
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return payload === undefined ? head : Buffer.concat([head, payload]);
}

function wrk(args) {
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const missing = error.code === 'ENOENT';
        reject(
          new Error(
            missing
              ? 'the bench drives its load with wrk: install it first (Debian/Ubuntu: apt-get install wrk)'
              : `wrk failed: ${stderr || error.message}`,
          ),
        );
        return;
      }
      resolve(stdout);
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
