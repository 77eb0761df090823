// `node --require tools/test/swc-register.js app.ts`: runs the workspace's TypeScript as jest does
// (swc with .swcrc, decorator metadata kept, `@rentguy/...` aliases from tsconfig.base.json), so an
// integration test can run an app in a process of its own and kill it, without a build first.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');
const { pathAliases } = require('../build/path-aliases');

const root = join(__dirname, '..', '..');
const { baseDir, paths } = pathAliases();

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    configFile: join(root, '.swcrc'),
    swcrc: false,
    jsc: { baseUrl: baseDir, paths },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
