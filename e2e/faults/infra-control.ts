// Faults the suite injects into the local infrastructure: the Kafka broker of this checkout
// (tools/infra) and the machine's PostgreSQL cluster. Each puts back what it broke.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
