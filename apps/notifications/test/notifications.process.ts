// The notifications app in a process of its own, for integration tests that must kill it
// (apps/notifications/src/notifications-crash.int-spec.ts). Started through
// tools/test/swc-register.js with one argument: the JSON of `{ env, options }`. Prints `ready` once
// its consumers and workers run; it never stops by itself.
import { loadConfig } from '@rentguy/platform/config';
import { createApp } from '../src/bootstrap';
import { appConfig } from '../src/config';
import type { AppModuleOptions } from '../src/app.module';

interface ProcessArguments {
  env: Record<string, string>;
  options: AppModuleOptions;
}

async function main(): Promise<void> {
  const { env, options } = JSON.parse(process.argv[2] ?? '{}') as ProcessArguments;
  const app = await createApp(loadConfig(appConfig, { env }), options);
  await app.init();
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
