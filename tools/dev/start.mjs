// `npm start`: the whole platform in the foreground on one machine. Brings local infrastructure up,
// applies migrations, starts local fakes of Stripe's and Mollie's APIs and a mail catcher unless real
// settings are given (STRIPE_API_BASE_URL / STRIPE_SECRET_KEY, MOLLIE_API_KEY, SMTP_URL), then all six apps, restarting any
// that exits unasked; Ctrl-C stops it all.
import { createRequire } from 'node:module';
import { down, up } from '../infra/infra.mjs';
import { baseEnv, devSecrets, root } from './dev-env.mjs';

const require = createRequire(import.meta.url);
const testing = require(`${root}/dist/libs/testing/platform/src/index.js`);
const { startFakeStripe } = require(`${root}/dist/libs/testing/stripe-fake/src/index.js`);
const { startFakeMollie } = require(`${root}/dist/libs/testing/mollie-fake/src/index.js`);

const FAKE_STRIPE_PORT = 12111;
const FAKE_MOLLIE_PORT = 12112;
const MAIL_SMTP_PORT = 1025;
const MAIL_WEB_PORT = 8025;
const colours = ['36', '35', '33', '32', '34', '31'];

function printLine(app, line) {
  const colour = colours[testing.APP_NAMES.indexOf(app) % colours.length];
  let text = line;
  try {
    const entry = JSON.parse(line);
    const level =
      { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }[entry.level] ??
      entry.level;
    const request = entry.req ? ` ${entry.req.method} ${entry.req.url} → ${entry.res?.statusCode ?? ''}` : '';
    text = `${level} ${entry.context ? `[${entry.context}] ` : ''}${entry.msg ?? ''}${request}${entry.err ? ` ${entry.err.stack ?? entry.err.message}` : ''}`;
  } catch {
    // Not JSON (e.g. a crash trace): print as is.
  }
  process.stdout.write(`\x1b[${colour}m${app.padEnd(16)}\x1b[0m ${text}\n`);
}

const cleanups = [];
let stopping = false;
async function shutdown(code) {
  if (stopping) {
    return;
  }
  stopping = true;
  process.stdout.write('\nstopping…\n');
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const infra = await up();
  if (infra.kafka.started) {
    cleanups.push(() => down());
  }

  const extra = {};
  const urls = [];
  if (!process.env.STRIPE_API_BASE_URL && !process.env.STRIPE_SECRET_KEY) {
    const secrets = devSecrets();
    const stripe = await startFakeStripe({
      port: FAKE_STRIPE_PORT,
      webhookUrl: `http://127.0.0.1:${testing.DEFAULT_PORTS.gateway.port}/v1/webhooks/stripe`,
      webhookSecret: secrets.STRIPE_WEBHOOK_SECRET,
    });
    cleanups.push(() => stripe.close());
    Object.assign(extra, {
      STRIPE_API_BASE_URL: stripe.url,
      STRIPE_SECRET_KEY: secrets.STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: secrets.STRIPE_WEBHOOK_SECRET,
    });
    urls.push(['fake Stripe (pay or decline intents)', `${stripe.url}/`]);
  }
  if (!process.env.MOLLIE_API_KEY) {
    // HTTPS on loopback with a certificate made now: payments trusts it in its Mollie client only.
    const mollie = await startFakeMollie({ port: FAKE_MOLLIE_PORT });
    cleanups.push(() => mollie.close());
    Object.assign(extra, {
      MOLLIE_API_KEY: 'test_localFakeMollieKey000000000',
      MOLLIE_API_BASE_URL: mollie.apiUrl,
      // No frontend runs locally: after checkout the browser lands on the fake's list of payments.
      ...(!process.env.PUBLIC_WEB_URL && { PUBLIC_WEB_URL: `${mollie.url}/` }),
    });
    urls.push(['fake Mollie (HTTPS checkouts)', `${mollie.url}/`]);
  }
  if (!process.env.SMTP_URL) {
    const mail = await testing.startMailCatcher({ smtpPort: MAIL_SMTP_PORT, httpPort: MAIL_WEB_PORT });
    cleanups.push(() => mail.close());
    extra.SMTP_URL = `smtp://127.0.0.1:${mail.smtpPort}`;
    urls.push(['mail inbox', mail.url]);
  }
  const env = baseEnv(extra);
  await testing.migrateAll(root, env);
  const platform = await testing.startPlatform({
    root,
    env,
    onLine: printLine,
    onStart: (app, pid) => printLine(app, `started (pid ${pid})`),
    // An app that exits unasked (a crash, a SIGTERM from someone else) comes back, with backoff.
    restart: {
      onExit: (app, code, signal, delayMs) =>
        printLine(app, `exited unasked (${signal ?? `code ${code}`}); restarting in ${delayMs / 1000} s`),
    },
  });
  cleanups.push(() => platform.stop());
  const api = env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${platform.ports.gateway.port}`;
  urls.unshift(['API', api], ['API docs', `${api}/docs`]);
  for (const app of testing.APP_NAMES) {
    urls.push([`${app} ops`, `http://127.0.0.1:${platform.ports[app].opsPort}/health/ready`]);
  }
  process.stdout.write(
    `\nRentGuy is running. Ctrl-C stops everything.\n${urls.map(([n, u]) => `  ${n.padEnd(38)} ${u}`).join('\n')}\n\n`,
  );
} catch (error) {
  process.stderr.write(`\n${error instanceof Error ? error.message : error}\n`);
  await shutdown(1);
}
