// `npm run db:migrate`: applies every service's migrations (run `npm run build` first) through each
// service's migrate command, one after the other, stopping at the first that fails.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { baseEnv, root } from './dev-env.mjs';

const runner = join(root, 'dist', 'libs', 'testing', 'platform', 'src', 'index.js');
if (!existsSync(runner)) {
  console.error(`${runner} is missing: run \`npm run build\` first`);
  process.exit(1);
}
const testing = createRequire(import.meta.url)(runner);
try {
  await testing.migrateAll(root, baseEnv(), (_app, line) => console.log(line));
} catch (error) {
  console.error(error instanceof Error ? error.message.split('\n')[0] : error);
  process.exit(1);
}
console.log('migrations applied');
