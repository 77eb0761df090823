// The project's full test run (the README's test command and CI): infrastructure, lint, types,
// unit, integration and end-to-end tiers, in that order, stopping at the first failing step.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const results = join(root, '.cache', 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const jest = (tier, config, extra = []) => [
  'npx',
  ['jest', '-c', config, '--ci', '--json', `--outputFile=${join(results, `${tier}.json`)}`, ...extra],
];

const steps = [
  ['infrastructure', 'node', ['tools/infra/infra.mjs', 'up']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['unit', ...jest('unit', 'jest.unit.config.js')],
  ['integration', ...jest('integration', 'jest.int.config.js', ['--runInBand'])],
  ['build', 'npm', ['run', '--silent', 'build']],
  ['e2e', ...jest('e2e', 'jest.e2e.config.js', ['--runInBand'])],
  ['compose', 'docker-compose', ['-f', 'docker-compose.yml', 'config', '-q']],
];

// NestJS 12 is ESM-only; jest loads it from the project's CommonJS through require(esm), which needs
// node's VM modules (jest's documented way on Node 24.9+).
const jestEnv = {
  ...process.env,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules'].filter(Boolean).join(' '),
};

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
    env: command === 'npx' ? jestEnv : process.env,
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

let passed = 0;
let failedTests = 0;
for (const tier of ['unit', 'integration', 'e2e']) {
  try {
    const report = JSON.parse(readFileSync(join(results, `${tier}.json`), 'utf8'));
    passed += report.numPassedTests;
    failedTests += report.numFailedTests;
    process.stdout.write(`${tier}: ${report.numPassedTests} passed, ${report.numFailedTests} failed\n`);
  } catch {
    // The tier did not run (an earlier step failed).
  }
}
process.stdout.write(`\n${timings.map(([n, s]) => `${n} ${s.toFixed(1)}s`).join(', ')}\n`);
if (failed) {
  process.stdout.write(`step "${failed}" failed\n`);
}
process.stdout.write(`${passed} passed, ${failedTests} failed\n`);
process.exit(failed || failedTests > 0 ? 1 : 0);
