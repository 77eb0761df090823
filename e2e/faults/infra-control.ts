// Faults the suite injects into the local infrastructure: the Kafka broker of this checkout
// (tools/infra) and the machine's PostgreSQL cluster. Each puts back what it broke.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testEnvironment } from '@rentguy/testing/platform';

const run = promisify(execFile);

/** SIGKILLs the broker this checkout started (`npm run infra:up`), as a crash would. */
export function killKafka(root: string): number {
  const pidFile = join(root, '.cache', 'kafka', 'kafka.pid');
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  } catch {
    throw new Error(
      `no broker of this checkout to kill (${pidFile} missing): run \`npm run infra:up\` here first`,
    );
  }
  process.kill(pid, 'SIGKILL');
  return pid;
}

/** `npm run infra:up`: starts the broker again on its kept log dir. */
export async function infraUp(root: string, databaseUrl: string): Promise<void> {
  const env = testEnvironment();
  await run(process.execPath, [join(root, 'tools/infra/infra.mjs'), 'up'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: env.redisUrl,
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
    },
  });
}

/** The machine's PostgreSQL cluster, through Debian's `pg_ctlcluster` (the one this CI machine has). */
function cluster(): [string, string] {
  let versions: string[];
  try {
    versions = readdirSync('/etc/postgresql');
  } catch {
    throw new Error('the Postgres fault needs a Debian PostgreSQL cluster (pg_ctlcluster, /etc/postgresql)');
  }
  const version = versions.sort().at(-1);
  if (!version) {
    throw new Error('no PostgreSQL cluster under /etc/postgresql');
  }
  return [version, 'main'];
}

export async function stopPostgres(): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', ...cluster(), 'stop', '-m', 'fast']);
}

export async function startPostgres(): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', ...cluster(), 'start']);
}

export async function postgresRunning(): Promise<boolean> {
  try {
    await run('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']);
    return true;
  } catch {
    return false;
  }
}

/** The local Redis, stopped with its data saved (an outage, not a data loss) and started again. */
export interface StoppedRedis {
  start(): Promise<void>;
}

export async function stopRedis(): Promise<StoppedRedis> {
  const cli = (...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', ...args]);
  const dir = (await cli('config', 'get', 'dir')).stdout.split('\n')[1]?.trim();
  const file = (await cli('config', 'get', 'dbfilename')).stdout.split('\n')[1]?.trim();
  if (!dir || !file) {
    throw new Error('could not read where Redis keeps its snapshot');
  }
  // SHUTDOWN SAVE writes the snapshot, which the restarted server loads: queues survive.
  await cli('shutdown', 'save').catch(() => undefined);
  return {
    start: async () => {
      await run('redis-server', [
        '--daemonize',
        'yes',
        '--bind',
        '127.0.0.1',
        '-::1',
        '--port',
        '6379',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--dbfilename',
        file,
      ]);
      for (let i = 0; i < 50; i += 1) {
        if (await redisRunning()) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Loaded: remove the snapshot so the server keeps nothing on disk, as before.
      await rm(join(dir, file), { force: true });
    },
  };
}

export async function redisRunning(): Promise<boolean> {
  try {
    return (await run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'ping'])).stdout.trim() === 'PONG';
  } catch {
    return false;
  }
}
