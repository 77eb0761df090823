// The project's full test run (the README's test command and CI): infrastructure, lint, types,
// unit, integration, end-to-end and fault tiers, in that order, stopping at the first failing step.
import { spawnSync } from 'node:child_process';
import { globSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Every jest target writes its JSON report here (tools/nx/targets.js); cached runs restore theirs.
const results = join(root, '.cache', 'test-results');
rmSync(results, { recursive: true, force: true });

// CI runs everything: Nx's cache outlives a checkout, so a clean clone would otherwise reuse the
// results of an earlier one.
const nx = (...args) => [
  'nx',
  [...args, '--outputStyle=static', ...(process.env.CI ? ['--skip-nx-cache'] : [])],
];

const steps = [
  ['infrastructure', 'node', ['tools/infra/infra.mjs', 'up']],
  // One ESLint process over the repository builds the TypeScript program once (about 30 s); the
  // per-project `lint` targets build it once each (about 5 min cold) and are for `nx affected`.
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['typecheck', ...nx('run-many', '-t', 'typecheck')],
  ['unit', ...nx('run-many', '-t', 'test')],
  // The integration suites share PostgreSQL, Redis and Kafka: one project at a time.
  ['integration', ...nx('run-many', '-t', 'integration-test', '--parallel=1')],
  ['build', ...nx('run-many', '-t', 'build')],
  // The committed OpenAPI document and SDK match the routes, and redocly lints the document.
  ['api contract', 'node', ['tools/api/generate.mjs', '--check']],
  ['e2e', ...nx('run-many', '-t', 'e2e')],
  // Kills and restarts Kafka and PostgreSQL under the running platform (docs/faults.md).
  ['faults', ...nx('run-many', '-t', 'faults')],
  ['compose', 'docker-compose', ['-f', 'docker-compose.yml', 'config', '-q']],
  // The chart, the cluster manifests and the alert rules, without a cluster (tools/ops/check.mjs).
  ['ops', 'node', ['tools/ops/check.mjs']],
];

const STEP_TIMEOUT_MS = 20 * 60 * 1000;
const timings = [];
let failed = null;
for (const [name, command, args] of steps) {
  process.stdout.write(`\n=== ${name} ===\n`);
  if (name === 'compose' && spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) {
    // Developers without docker-compose still get every other check; CI installs it.
    if (process.env.CI) {
      failed = 'compose (docker-compose is not installed)';
      break;
    }
    process.stdout.write('docker-compose not installed: compose file not validated\n');
    continue;
  }
  const started = Date.now();
  // A step that hangs (e.g. a test leaving a handle open after a failure) must not eat CI's budget.
  const run = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    timeout: STEP_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  if (run.error) {
    process.stdout.write(`${name}: ${run.error.message}\n`);
  }
  timings.push([name, (Date.now() - started) / 1000]);
  if (run.status !== 0) {
    failed = name;
    break;
  }
}

const tiers = { test: 'unit', 'integration-test': 'integration', e2e: 'e2e', faults: 'faults' };
const counts = {};
for (const file of globSync('*/*.json', { cwd: results })) {
  const tier = tiers[basename(file, '.json')];
  const report = JSON.parse(readFileSync(join(results, file), 'utf8'));
  counts[tier] ??= { passed: 0, failed: 0, projects: 0 };
  counts[tier].passed += report.numPassedTests;
  counts[tier].failed += report.numFailedTests;
  counts[tier].projects += 1;
}
let passed = 0;
let failedTests = 0;
for (const tier of Object.values(tiers).filter((name) => counts[name])) {
  const { passed: ok, failed: notOk, projects } = counts[tier];
  passed += ok;
  failedTests += notOk;
  process.stdout.write(`${tier}: ${ok} passed, ${notOk} failed (${projects} projects)\n`);
}
process.stdout.write(`\n${timings.map(([n, s]) => `${n} ${s.toFixed(1)}s`).join(', ')}\n`);
if (failed) {
  process.stdout.write(`step "${failed}" failed\n`);
}
process.stdout.write(`${passed} passed, ${failedTests} failed\n`);
process.exit(failed || failedTests > 0 ? 1 : 0);
