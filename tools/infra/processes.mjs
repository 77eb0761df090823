// Child processes and pids: running the JDK and Maven tools, and signalling the broker we started.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { InfraError, REPO_ROOT } from './config.mjs';

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM'; // alive, but someone else's
  }
}

/** The command line of a live process ('' for a zombie), or null where there is no procfs (macOS). */
export function commandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch (err) {
    return err.code === 'ENOENT' && fs.existsSync('/proc/self') ? '' : null;
  }
}

/** Pids of live processes whose command line contains every one of `parts` (Linux only; else []). */
export function findProcesses(parts) {
  let entries;
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      const cmdline = commandLine(pid);
      return Boolean(cmdline) && parts.every((part) => cmdline.includes(part));
    });
}

/** SIGTERM (Kafka shuts down in a controlled way), SIGKILL after the timeout. Returns true if killed. */
export async function stopProcess(pid, { isRunning, timeoutMs }) {
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, isRunning, timeoutMs)) {
    return false;
  }
  signal(pid, 'SIGKILL');
  await waitForExit(pid, isRunning, 5000);
  return true;
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch (err) {
    if (err.code !== 'ESRCH') {
      throw err;
    }
  }
}

async function waitForExit(pid, isRunning, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) {
      return true;
    }
    await sleep(200);
  }
  return false;
}

export function portOpen(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function run(command, args) {
  try {
    return await promisify(execFile)(command, args, { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`.trimEnd().split('\n').slice(-30).join('\n');
    throw new InfraError(`\`${command} ${args.join(' ')}\` failed (${err.code ?? err.signal}):\n${output}`);
  }
}

// Like run(), but a missing executable becomes the given installation hint.
export async function runTool(command, args, installHint) {
  try {
    return await promisify(execFile)(command, args, { cwd: REPO_ROOT });
  } catch (err) {
    throw new InfraError(
      err.code === 'ENOENT'
        ? `\`${command}\` not found. ${installHint}`
        : `\`${command} ${args.join(' ')}\` failed: ${err.message}`,
    );
  }
}
