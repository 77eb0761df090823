// The fake Mollie API for the bench, in a process of its own: the load generator's event loop then
// serves none of Mollie's TLS, as the real Mollie is another machine's work. Prints
// `{"apiUrl": …}` on one line once it listens; stops on SIGTERM, or when the bench that started it
// is gone (its end of stdin closes).
import { createRequire } from 'node:module';
import { root } from '../dev/dev-env.mjs';

const require = createRequire(import.meta.url);
const { startFakeMollie } = require(`${root}/dist/libs/testing/mollie-fake/src/index.js`);

const mollie = await startFakeMollie({ port: 0 });
process.stdout.write(`${JSON.stringify({ apiUrl: mollie.apiUrl })}\n`);
const stop = () => {
  mollie.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.stdin.once('close', stop).resume();
