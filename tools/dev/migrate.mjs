// `npm run db:migrate`: applies every service's migrations (run `npm run build` first).
import { createRequire } from 'node:module';
import { baseEnv, root } from './dev-env.mjs';

const require = createRequire(import.meta.url);
const { migrateAll } = require(`${root}/dist/libs/platform/testing/src/index.js`);

await migrateAll(root, baseEnv({ STRIPE_SECRET_KEY: 'unused', STRIPE_WEBHOOK_SECRET: 'unused' }));
console.log('migrations applied');
