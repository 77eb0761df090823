// Local Nx plugin: every project's targets, inferred from what the project contains, so that a new or
// moved project.json needs no target list. What a target runs is decided here; how it is cached and
// wired (inputs, outputs, dependsOn, cache) is in nx.json's targetDefaults.
//   build             sources in src/      swc into dist/<projectRoot> (tools/build/swc.mjs)
// Test kits (type:testing) build without `^build` (nx.json): production libraries' specs import them
// and they import those libraries, a cycle that Nx refuses in a task graph.
const { readdirSync } = require('node:fs');
const { dirname, join, posix } = require('node:path');

const TEST_OR_DECLARATION = /\.(int-|e2e-)?spec\.ts$|\.d\.ts$/;

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

function projectTargets(projectRoot, files) {
  const isSource = (file) =>
    file.startsWith('src/') && file.endsWith('.ts') && !TEST_OR_DECLARATION.test(file);
  const targets = {};
  if (files.some(isSource)) {
    targets.build = { command: `node tools/build/swc.mjs ${projectRoot}` };
  }
  return targets;
}

exports.createNodes = [
  '**/project.json',
  (projectFiles, _options, context) => {
    const roots = projectFiles.map((file) => dirname(file));
    return projectFiles.map((file, i) => {
      const root = roots[i];
      const nested = new Set(roots.filter((other) => other.startsWith(`${root}/`)));
      const files = ownFiles(context.workspaceRoot, root, nested);
      return [file, { projects: { [root]: { targets: projectTargets(root, files) } } }];
    });
  },
];
