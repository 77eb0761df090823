// `node tools/build/swc.mjs <projectRoot>`: one project's build (the `build` target, see
// tools/nx/targets.js). Compiles the project's sources, not its specs, with swc into
// dist/<projectRoot>, mirroring the source tree (dist/<projectRoot>/src/x.js + x.js.map), and copies
// its src/**/*.json beside them.
// swc does not read tsconfig, so the path aliases are passed from tsconfig.base.json: swc rewrites
// each `@rentguy/...` import into a relative require of the library's compiled index.
import { transformFile } from '@swc/core';
import { copyFileSync, globSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathAliases } from './path-aliases.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const projectRoot = process.argv[2];
if (!projectRoot) {
  console.error('usage: node tools/build/swc.mjs <projectRoot>');
  process.exit(1);
}

const { baseDir, paths } = pathAliases();
const outDir = join(root, 'dist', projectRoot);
const sources = globSync(`${projectRoot}/src/**/*.ts`, {
  cwd: root,
  exclude: (file) => /\.(int-|e2e-)?spec\.ts$|\.d\.ts$/.test(file),
});

async function compile(source) {
  const destination = join(root, 'dist', source.replace(/\.ts$/, '.js'));
  const { code, map } = await transformFile(join(root, source), {
    configFile: join(root, '.swcrc'),
    swcrc: false,
    jsc: { baseUrl: baseDir, paths },
    sourceFileName: relative(dirname(destination), join(root, source)),
  });
  mkdirSync(dirname(destination), { recursive: true });
  if (!map) {
    writeFileSync(destination, code);
    return;
  }
  writeFileSync(`${destination}.map`, map);
  writeFileSync(destination, `${code}\n//# sourceMappingURL=${basename(destination)}.map`);
}

rmSync(outDir, { recursive: true, force: true });
const results = await Promise.allSettled(sources.map(compile));
const failed = results.flatMap((result, i) =>
  result.status === 'rejected' ? [`${sources[i]}: ${result.reason?.message ?? result.reason}`] : [],
);
if (failed.length > 0) {
  console.error(failed.join('\n'));
  process.exit(1);
}
// JSON a library reads at run time (the SDK's OpenAPI document) goes beside the code that reads it.
const assets = globSync(`${projectRoot}/src/**/*.json`, { cwd: root });
for (const asset of assets) {
  mkdirSync(dirname(join(root, 'dist', asset)), { recursive: true });
  copyFileSync(join(root, asset), join(root, 'dist', asset));
}
console.log(
  `${projectRoot}: ${sources.length} files compiled with swc${assets.length > 0 ? `, ${assets.length} JSON copied` : ''}`,
);
