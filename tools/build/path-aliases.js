// The workspace's path aliases (`@rentguy/...`), declared once in tsconfig.base.json: the build
// (tools/build/swc.mjs) and jest (jest.preset.js) both read them from here.
const { dirname, join } = require('node:path');
const ts = require('typescript');

const tsconfigFile = join(__dirname, '..', '..', 'tsconfig.base.json');

/** `compilerOptions.paths` of tsconfig.base.json and the directory its targets are relative to. */
function pathAliases() {
  const { config, error } = ts.readConfigFile(tsconfigFile, ts.sys.readFile);
  if (error) {
    throw new Error(`${tsconfigFile}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  }
  return { baseDir: dirname(tsconfigFile), paths: config.compilerOptions?.paths ?? {} };
}

module.exports = { pathAliases };
