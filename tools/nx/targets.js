// Local Nx plugin: every project's targets, inferred from what the project contains, so that a new or
// moved project.json needs no target list. What a target runs is decided here; how it is cached and
// wired (inputs, outputs, dependsOn, cache, parallelism) is in nx.json's targetDefaults.
//   build             sources in src/      swc into dist/<projectRoot> (tools/build/swc.mjs)
//   test              *.spec.ts            unit tests (jest.unit.config.js)
//   integration-test  *.int-spec.ts        against PostgreSQL, Redis and Kafka (jest.int.config.js)
//   e2e               *.e2e-spec.ts        the platform as processes (jest.e2e.config.js)
//   faults            *.fault-spec.ts      the platform while its infrastructure fails (jest.faults.config.js)
//   serve, migrate    src/main.ts, src/migrate.ts, run from dist
//   lint, typecheck   the root project: ESLint on the files no other project owns and Prettier on
//                     all, TypeScript on the whole workspace (one program: the projects have no
//                     tsconfig of their own to reference)
// Every other project's lint target comes from @nx/eslint/plugin, which infers none for the root.
// Test kits (type:testing) build without `^build` (nx.json): production libraries' specs import them
// and they import those libraries, a cycle that Nx refuses in a task graph.
const { readdirSync } = require('node:fs');
const { dirname, join, posix } = require('node:path');

const SPEC = /\.spec\.ts$/;
const INT_SPEC = /\.int-spec\.ts$/;
const E2E_SPEC = /\.e2e-spec\.ts$/;
const FAULT_SPEC = /\.fault-spec\.ts$/;
const TEST_OR_DECLARATION = /\.(int-|e2e-|fault-)?spec\.ts$|\.d\.ts$/;

// ESM-only NestJS 12 is loaded from CommonJS through jest's require(esm), which needs VM modules.
const JEST_ENV = { NODE_OPTIONS: '--experimental-vm-modules' };

/** The project's files relative to its root, without node_modules and without nested projects. */
function ownFiles(workspaceRoot, projectRoot, nestedRoots) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(workspaceRoot, projectRoot, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (!entry.isDirectory()) {
        files.push(path);
      } else if (entry.name !== 'node_modules' && !nestedRoots.has(posix.join(projectRoot, path))) {
        walk(path);
      }
    }
  };
  walk('');
  return files;
}

// A jest run of one project's specs, its JSON report kept under .cache/test-results for `npm test`'s
// counts (and restored from the Nx cache with the target's other outputs).
function jest(target, config, projectRoot, extraArgs = '') {
  const reports = '.cache/test-results/{projectName}';
  return {
    command: `mkdir -p ${reports} && jest -c ${config} --roots ${projectRoot}${extraArgs} --json`,
    options: { env: JEST_ENV, outputFile: `${reports}/${target}.json` },
  };
}

function projectTargets(projectRoot, files) {
  const has = (pattern) => files.some((file) => pattern.test(file));
  const isSource = (file) =>
    file.startsWith('src/') && file.endsWith('.ts') && !TEST_OR_DECLARATION.test(file);
  const targets = {};
  if (files.some(isSource)) {
    targets.build = { command: `node tools/build/swc.mjs ${projectRoot}` };
  }
  if (has(SPEC)) {
    targets.test = jest('test', 'jest.unit.config.js', projectRoot);
  }
  if (has(INT_SPEC)) {
    targets['integration-test'] = jest('integration-test', 'jest.int.config.js', projectRoot, ' --runInBand');
  }
  if (has(E2E_SPEC)) {
    targets.e2e = jest('e2e', 'jest.e2e.config.js', projectRoot, ' --runInBand');
  }
  if (has(FAULT_SPEC)) {
    targets.faults = jest('faults', 'jest.faults.config.js', projectRoot, ' --runInBand');
  }
  if (files.includes('src/main.ts')) {
    targets.serve = { command: `node dist/${projectRoot}/src/main.js`, continuous: true };
  }
  if (files.includes('src/migrate.ts')) {
    targets.migrate = { command: `node dist/${projectRoot}/src/migrate.js` };
  }
  return targets;
}

function workspaceTargets(otherRoots) {
  const ignored = otherRoots.map((root) => ` --ignore-pattern ${root}/`).join('');
  return {
    lint: {
      command: `eslint . --max-warnings 0${ignored} && prettier --check . --log-level warn`,
    },
    typecheck: { command: 'tsc -p tsconfig.json --noEmit' },
  };
}

exports.createNodes = [
  '**/project.json',
  (projectFiles, _options, context) => {
    const roots = projectFiles.map((file) => dirname(file));
    return projectFiles.map((file, i) => {
      const root = roots[i];
      const others = roots.filter((other) => other !== root);
      if (root === '.') {
        return [file, { projects: { [root]: { targets: workspaceTargets(others) } } }];
      }
      const nested = new Set(others.filter((other) => other.startsWith(`${root}/`)));
      const files = ownFiles(context.workspaceRoot, root, nested);
      return [file, { projects: { [root]: { targets: projectTargets(root, files) } } }];
    });
  },
];
