import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The outage test stops the shared broker. Jest runs test files in parallel worker processes, so the
// messaging test files hold a shared lock while they use Kafka and the outage test takes it
// exclusively: it waits for the others to finish, and they wait for it. Locks of dead processes
// (a killed jest run) are ignored and removed.

const LOCK_DIR = path.join(os.tmpdir(), 'rentguy-kafka-outage-lock');
const EXCLUSIVE = path.join(LOCK_DIR, 'exclusive');
const POLL_MS = 200;

export type Release = () => Promise<void>;

/** Held by test files that need the broker up for their whole run. */
export async function acquireKafkaShared(timeoutMs = 300_000): Promise<Release> {
  fs.mkdirSync(LOCK_DIR, { recursive: true });
  const marker = path.join(LOCK_DIR, `shared-${process.pid}-${randomUUID()}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!heldByLiveProcess(EXCLUSIVE)) {
      fs.writeFileSync(marker, String(process.pid));
      if (!heldByLiveProcess(EXCLUSIVE)) {
        return async () => fs.rmSync(marker, { force: true });
      }
      fs.rmSync(marker, { force: true });
    }
    if (Date.now() > deadline) {
      throw new Error('timed out waiting for the Kafka outage test to finish');
    }
    await pause();
  }
}

/** Held by the test that stops and restarts the broker. */
export async function acquireKafkaExclusive(timeoutMs = 300_000): Promise<Release> {
  fs.mkdirSync(LOCK_DIR, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(EXCLUSIVE, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
      if (!heldByLiveProcess(EXCLUSIVE)) {
        fs.rmSync(EXCLUSIVE, { force: true });
        continue;
      }
    }
    if (Date.now() > deadline) {
      throw new Error('timed out waiting for another Kafka outage test');
    }
    await pause();
  }
  const release: Release = async () => fs.rmSync(EXCLUSIVE, { force: true });
  try {
    for (;;) {
      const holders = fs
        .readdirSync(LOCK_DIR)
        .filter((name) => name.startsWith('shared-'))
        .filter((name) => heldByLiveProcess(path.join(LOCK_DIR, name), true));
      if (holders.length === 0) {
        return release;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${holders.length} Kafka test file(s) to finish`);
      }
      await pause();
    }
  } catch (error) {
    await release();
    throw error;
  }
}

function heldByLiveProcess(file: string, removeIfDead = false): boolean {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
  } catch {
    return false;
  }
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    return true;
  }
  if (removeIfDead) {
    fs.rmSync(file, { force: true });
  }
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
