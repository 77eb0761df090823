import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { DEFAULT_PORTS, E2E_DATABASE, testEnvironment, waitUntil } from '@rentguy/testing/platform';

/**
 * `npm start` (tools/dev/start.mjs) as a developer runs it: an app that exits without being asked
 * is started again, and only Ctrl-C stops the platform.
 */
const root = join(__dirname, '..');
let runner: ChildProcess;
let output = '';
let runnerExit: Promise<number | null>;

// The runner colours each app's name; the lines are matched without the escapes.
const plain = () => stripVTControlCharacters(output);
const pidsOf = (app: string) =>
  [...plain().matchAll(new RegExp(`^${app}\\s+started \\(pid (\\d+)\\)`, 'gm'))].map((m) => Number(m[1]));

async function ready(opsPort: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${opsPort}/health/ready`)).status === 200;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const infra = testEnvironment();
  runner = spawn(process.execPath, [join(root, 'tools/dev/start.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      DATABASE_URL: infra.databaseUrlFor(E2E_DATABASE),
      REDIS_URL: infra.redisUrlFor(7),
      CACHE_REDIS_URL: infra.redisUrlFor(7),
      CACHE_NAMESPACE: `e2e-runner-${Date.now()}`,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      // Own consumer groups: this platform must take no events from another one on the broker.
      KAFKA_GROUP_PREFIX: 'e2e-runner-',
      BLOB_STORAGE_DIR: join(root, '.cache', 'e2e-runner-blobs'),
      SHUTDOWN_DRAIN_DELAY_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  runner.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  runner.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  runnerExit = new Promise((resolve) => runner.on('exit', resolve));
  await waitUntil(() => plain().includes('RentGuy is running') || runner.exitCode !== null, {
    timeoutMs: 150_000,
    description: 'npm start to report the platform running',
  });
  if (runner.exitCode !== null) {
    throw new Error(`npm start exited with ${runner.exitCode}:\n${plain().slice(-3000)}`);
  }
}, 180_000);

afterAll(async () => {
  if (runner.exitCode === null && runner.signalCode === null) {
    runner.kill('SIGINT');
    await runnerExit;
  }
});

describe('npm start', () => {
  it('restarts an app that exits unasked and keeps the rest running; Ctrl-C stops everything', async () => {
    const [first] = pidsOf('rentals');
    expect(first).toBeGreaterThan(0);

    // A clean exit the runner did not ask for (rentals drains and exits 0 on SIGTERM).
    process.kill(first, 'SIGTERM');
    await waitUntil(() => pidsOf('rentals').length === 2, {
      timeoutMs: 60_000,
      description: 'rentals to be started again',
    });
    expect(plain()).toMatch(/^rentals\s+exited unasked \(code 0\); restarting in 1 s$/m);
    const [, second] = pidsOf('rentals');
    expect(second).not.toBe(first);
    await waitUntil(() => ready(DEFAULT_PORTS.rentals.opsPort), {
      timeoutMs: 60_000,
      description: 'the restarted rentals to be ready',
    });
    expect(runner.exitCode).toBeNull();
    expect(await ready(DEFAULT_PORTS.gateway.opsPort)).toBe(true);
    expect(pidsOf('gateway')).toHaveLength(1);

    runner.kill('SIGINT');
    expect(await runnerExit).toBe(0);
    expect(await ready(DEFAULT_PORTS.rentals.opsPort)).toBe(false);
    expect(await ready(DEFAULT_PORTS.gateway.opsPort)).toBe(false);
  }, 180_000);
});
