// An exclusive-create lock file serialising the runs that change one Kafka cache dir (parallel `up`
// runs from several jest projects, `reset`). A lock left by a dead process is taken over.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './config.mjs';
import { isAlive } from './processes.mjs';

const LOCK_TIMEOUT_MS = 300_000; // the holder may be downloading jars on a slow link

export async function withFileLock(file, fn, { timeoutMs = LOCK_TIMEOUT_MS } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') {
        throw err;
      }
      const owner = readOwner(file);
      // No pid yet: the holder has just created the file (or died right then, if it stays empty).
      if (owner === null ? olderThan(file, 5000) : !isAlive(owner)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new InfraError(`Timed out waiting for another infra run (pid ${owner}) holding ${file}`);
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function readOwner(file) {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null; // removed meanwhile: the next attempt may take it
  }
}

function olderThan(file, ms) {
  try {
    return Date.now() - fs.statSync(file).mtimeMs > ms;
  } catch {
    return false;
  }
}
