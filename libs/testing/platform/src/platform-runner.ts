import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { servicePorts, type ServiceName } from '@rentguy/platform/config';
import { describeError } from '@rentguy/platform/errors';

/** The six deployables, in start order (producers before the consumers that wait on them). */
export const APP_NAMES = [
  'gateway',
  'rentals',
  'payments',
  'notifications',
  'image-worker',
  'screening-worker',
] as const satisfies readonly ServiceName[];
export type AppName = (typeof APP_NAMES)[number];

/** Services with their own schema and an explicit `migrate` command. */
export const MIGRATING_APPS = ['gateway', 'rentals', 'payments', 'notifications'] as const;

export interface AppPorts {
  port?: number;
  opsPort: number;
}

/** The apps' own defaults (`servicePorts`). */
export const DEFAULT_PORTS = Object.fromEntries(
  APP_NAMES.map((name) => {
    const ports: { http?: number; ops: number } = servicePorts[name];
    return [name, { port: ports.http, opsPort: ports.ops }];
  }),
) as Record<AppName, AppPorts>;

/** Ports shifted by `offset`, so tests can run beside a developer's `npm start`. */
export function shiftedPorts(offset: number): Record<AppName, AppPorts> {
  return Object.fromEntries(
    APP_NAMES.map((name) => {
      const { port, opsPort } = DEFAULT_PORTS[name];
      return [name, { port: port === undefined ? undefined : port + offset, opsPort: opsPort + offset }];
    }),
  ) as Record<AppName, AppPorts>;
}

/**
 * Environment that points every app at its siblings on the given ports (`npm start`, the e2e suite
 * and the bench all start the platform through here).
 */
export function wiringEnv(ports: Record<AppName, AppPorts>, serviceToken: string): Record<string, string> {
  return {
    // Read by the gateway (routing), by payments (booking read-through) and by rentals (hold checks).
    RENTALS_URL: `http://127.0.0.1:${ports.rentals.port}`,
    PAYMENTS_URL: `http://127.0.0.1:${ports.payments.port}`,
    NOTIFICATIONS_URL: `http://127.0.0.1:${ports.notifications.port}`,
    PUBLIC_BASE_URL: `http://127.0.0.1:${ports.gateway.port}`,
    // Rentals' credential on payments' service-only routes: the one payments accepts from it.
    SERVICE_TOKENS: `rentals:${serviceToken}`,
    PAYMENTS_SERVICE_TOKEN: serviceToken,
  };
}

export interface RunningApp {
  name: AppName;
  /** The app's current process (a new one after a restart). */
  readonly process: ChildProcess;
  ports: AppPorts;
  output: string[];
  /** Resolves with the exit code of the current process. */
  readonly exited: Promise<number | null>;
}

export interface RestartPolicy {
  /** Delay before the first restart; doubled for each exit that follows a short run. Default 1 s. */
  initialDelayMs?: number;
  /** Longest delay between restarts. Default 30 s. */
  maxDelayMs?: number;
  /** A process that ran this long before exiting starts the backoff over. Default 60 s. */
  resetAfterMs?: number;
  /** Told about each exit the runner did not ask for, before the restart waits `delayMs`. */
  onExit?: (app: AppName, code: number | null, signal: NodeJS.Signals | null, delayMs: number) => void;
}

export interface PlatformOptions {
  /** Repository root; apps run from `dist/apps/<app>/src/main.js` (run the build first). */
  root: string;
  env: Record<string, string>;
  ports?: Record<AppName, AppPorts>;
  /** Receives every output line of every app. */
  onLine?: (app: AppName, line: string) => void;
  /** Told about every process started, first starts and restarts alike. */
  onStart?: (app: AppName, pid: number | undefined) => void;
  readyTimeoutMs?: number;
  /** Extra Node.js flags per app, before its script (the bench's `--cpu-prof`). */
  nodeArgs?: Partial<Record<AppName, readonly string[]>>;
  /** The apps to start (all six by default), e.g. one alone to time its cold start. */
  only?: readonly AppName[];
  /**
   * Restart an app whose process exits without `stop()` having been called (the local platform);
   * without a policy such an exit is left to the caller (tests assert on it).
   */
  restart?: RestartPolicy;
}

export interface RunningPlatform {
  apps: RunningApp[];
  ports: Record<AppName, AppPorts>;
  /** SIGTERM to every app; resolves with each app's exit code once all have exited. */
  stop(timeoutMs?: number): Promise<Record<AppName, number | null>>;
}

/**
 * V8's flags for every app, the same as the image's NODE_OPTIONS (Dockerfile).
 * - Semi-spaces capped at 8 MB: Node 24 lets each young-generation semi-space grow to 64 MB whatever
 *   the heap limit, and a burst leaves it resident: 128 MB of an idle app's RSS, a quarter of a
 *   512 MiB pod. Capped, idle RSS fell from 193–271 to 151–182 MB per app with the read throughput
 *   unchanged (bench P7, P1).
 * - Old space capped at 192 MB: V8 sizes it from the machine's memory (4 GB on a 24 GiB one) and
 *   collects lazily below that, so garbage piled up to RSS of 437 MB (gateway) and 588 MB (rentals)
 *   after the bench's loads, while a full GC left 55–75 MB live (rentals: its L1 read cache on top).
 *   Capped, the same loads left 222–278 MB.
 */
export const APP_V8_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=192'] as const;

/**
 * glibc's malloc settings for every app, the same as the image's (Dockerfile): two arenas instead
 * of eight per core. libvips' worker threads each fragment an arena of their own, and the memory
 * stays resident: the image-worker's RSS after 16 photos was 349–454 MB with glibc's default, 284–340
 * MB with two (bench P7). A developer's own MALLOC_ARENA_MAX wins.
 */
export const APP_MALLOC_ENV = { MALLOC_ARENA_MAX: '2' } as const;

/** The access-token signing key goes to the gateway alone: no other app could mint a token. */
const GATEWAY_ONLY_VARIABLES = ['JWT_SIGNING_KEY'] as const;

function spawnNode(
  root: string,
  script: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
  withheld: readonly string[] = [],
): ChildProcess {
  // The apps read their config themselves (in the config lib); the runner only hands its own
  // environment (PATH, a developer's overrides) down to them, with the wiring on top.
  const merged: NodeJS.ProcessEnv = { ...APP_MALLOC_ENV, ...process.env, ...env };
  for (const key of withheld) {
    delete merged[key];
  }
  return spawn(process.execPath, [...APP_V8_FLAGS, ...nodeArgs, join(root, script)], {
    cwd: root,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collectLines(child: ChildProcess, sink: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      lines.forEach(sink);
    });
  }
}

/**
 * Runs each service's `migrate` command in turn (`npm start`, `npm run db:migrate`, the e2e suite and
 * the bench all migrate through here); `onLine` receives their output. Rejects with the output of
 * the one that failed.
 */
export async function migrateAll(
  root: string,
  env: Record<string, string>,
  onLine?: (app: AppName, line: string) => void,
): Promise<void> {
  for (const app of MIGRATING_APPS) {
    const child = spawnNode(root, `dist/apps/${app}/src/migrate.js`, env, [], GATEWAY_ONLY_VARIABLES);
    const output: string[] = [];
    collectLines(child, (line) => {
      output.push(line);
      onLine?.(app, line);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) {
      throw new Error(`migrations of ${app} failed (exit ${code}):\n${output.slice(-30).join('\n')}`);
    }
  }
}

async function waitReady(app: RunningApp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void app.exited.then((code) => (exitCode = code));
  let last = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `${app.name} exited with ${exitCode} before it was ready:\n${app.output.slice(-30).join('\n')}`,
      );
    }
    try {
      const response = await fetch(`http://127.0.0.1:${app.ports.opsPort}/health/ready`);
      last = `${response.status} ${await response.text()}`;
      if (response.status === 200) {
        return;
      }
    } catch (error) {
      last = describeError(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `${app.name} not ready after ${timeoutMs} ms (last: ${last}):\n${app.output.slice(-30).join('\n')}`,
  );
}

/**
 * Starts the apps (all six unless `only` names some) as processes and resolves once every ops port
 * answers `/health/ready` 200.
 */
export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const ports = options.ports ?? DEFAULT_PORTS;
  let stopping = false;
  const restartTimers = new Set<NodeJS.Timeout>();
  // One per run unless the caller's environment sets both ends.
  const serviceToken = randomBytes(32).toString('base64url');
  // Signs notifications' unsubscribe links; one per run unless the caller's environment sets it
  // (links of an earlier run then stop working, which a local platform can live with).
  const unsubscribeSecret = randomBytes(32).toString('base64url');
  const apps: RunningApp[] = (options.only ?? APP_NAMES).map((name) => {
    const env: Record<string, string> = {
      ...wiringEnv(ports, serviceToken),
      UNSUBSCRIBE_SECRET: unsubscribeSecret,
      ...options.env,
      OPS_PORT: String(ports[name].opsPort),
    };
    if (ports[name].port !== undefined) {
      env.PORT = String(ports[name].port);
    }
    const output: string[] = [];
    let current: { process: ChildProcess; exited: Promise<number | null> };
    let delayMs = options.restart?.initialDelayMs ?? 1000;
    const launch = (): void => {
      const child = spawnNode(
        options.root,
        `dist/apps/${name}/src/main.js`,
        env,
        options.nodeArgs?.[name],
        name === 'gateway' ? [] : GATEWAY_ONLY_VARIABLES,
      );
      const startedAt = Date.now();
      collectLines(child, (line) => {
        output.push(line);
        if (output.length > 500) {
          output.shift();
        }
        options.onLine?.(name, line);
      });
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code, signal) => {
          resolve(code);
          const policy = options.restart;
          if (stopping || !policy) {
            return;
          }
          if (Date.now() - startedAt >= (policy.resetAfterMs ?? 60_000)) {
            delayMs = policy.initialDelayMs ?? 1000;
          }
          policy.onExit?.(name, code, signal, delayMs);
          const timer = setTimeout(() => {
            restartTimers.delete(timer);
            if (!stopping) {
              launch();
            }
          }, delayMs);
          restartTimers.add(timer);
          delayMs = Math.min(delayMs * 2, policy.maxDelayMs ?? 30_000);
        }),
      );
      current = { process: child, exited };
      options.onStart?.(name, child.pid);
    };
    launch();
    return {
      name,
      ports: ports[name],
      output,
      get process() {
        return current.process;
      },
      get exited() {
        return current.exited;
      },
    };
  });
  const stop = async (timeoutMs = 30_000): Promise<Record<AppName, number | null>> => {
    stopping = true;
    restartTimers.forEach(clearTimeout);
    restartTimers.clear();
    const codes = await Promise.all(
      apps.map(async (app) => {
        if (app.process.exitCode === null && app.process.signalCode === null) {
          app.process.kill('SIGTERM');
        }
        const timer = setTimeout(() => app.process.kill('SIGKILL'), timeoutMs);
        const code = await app.exited;
        clearTimeout(timer);
        return [app.name, code] as const;
      }),
    );
    return Object.fromEntries(codes) as Record<AppName, number | null>;
  };
  try {
    await Promise.all(apps.map((app) => waitReady(app, options.readyTimeoutMs ?? 90_000)));
  } catch (error) {
    await stop(5000);
    throw error;
  }
  return { apps, ports, stop };
}
