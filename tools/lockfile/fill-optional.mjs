// Completes package-lock.json with the platform binaries of other systems (darwin, win32, …) when the
// registry npm installed from could not describe them. npm leaves such optional packages out of the
// lock, and `npm ci` then refuses the lock as out of sync. The entries added here are what npm writes
// for an optional package of a foreign platform: never downloaded on this one (os/cpu mismatch).
// Run after `npm install`: node tools/lockfile/fill-optional.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const lockPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const OS = [
  'darwin',
  'linux',
  'win32',
  'freebsd',
  'android',
  'openharmony',
  'sunos',
  'aix',
  'netbsd',
  'openbsd',
];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'];

/** os/cpu/libc from a platform package's name, e.g. `@swc/core-linux-arm-gnueabihf`. */
function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const os = tokens.find((t) => OS.includes(t));
  const cpu = tokens.find((t) => CPU.includes(t)) ?? (tokens.includes('arm') ? 'arm' : undefined);
  if (!os || !cpu) {
    return undefined;
  }
  const libc = tokens.some((t) => t.startsWith('musl'))
    ? 'musl'
    : os === 'linux' && tokens.some((t) => t.startsWith('gnu'))
      ? 'glibc'
      : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) };
}

function resolves(fromPath, name) {
  let base = fromPath;
  for (;;) {
    if (packages[`${base ? `${base}/` : ''}node_modules/${name}`]) {
      return true;
    }
    if (!base) {
      return false;
    }
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const platform = platformOf(name);
    if (!platform || resolves(path, name)) {
      continue;
    }
    packages[`node_modules/${name}`] = {
      version: String(range).replace(/^[\^~=]/, ''),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} foreign-platform optional packages recorded`);
