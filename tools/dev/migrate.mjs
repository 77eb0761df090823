// `npm run db:migrate`: applies every service's migrations (run `npm run build` first). Each
// service that owns a schema has its own entry point, `dist/apps/<app>/src/migrate.js`; this runs
// them one after the other and stops at the first that fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnv, root } from './dev-env.mjs';

const apps = readdirSync(join(root, 'apps')).filter((app) =>
  existsSync(join(root, 'apps', app, 'src', 'migrate.ts')),
);
const env = baseEnv({ STRIPE_SECRET_KEY: 'unused', STRIPE_WEBHOOK_SECRET: 'unused' });
for (const app of apps) {
  const entry = join(root, 'dist', 'apps', app, 'src', 'migrate.js');
  if (!existsSync(entry)) {
    console.error(`${entry} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
  const run = spawnSync(process.execPath, [entry], { cwd: root, env, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`migrations of ${app} failed (exit ${run.status ?? run.signal})`);
    process.exit(1);
  }
}
console.log('migrations applied');
