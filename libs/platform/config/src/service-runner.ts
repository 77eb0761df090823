import { ConfigError } from './load-config';
import { describeError } from '@rentguy/platform/errors';

/**
 * Runs an app's boot function and turns a failure into a clear message and exit code 1; a config
 * error prints every invalid key at once.
 */
export function runService(name: string, boot: () => Promise<unknown>): void {
  boot().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: ${error.message}\n`);
    } else {
      process.stderr.write(`${name}: failed to start: ${describeError(error, { stack: true })}\n`);
    }
    process.exit(1);
  });
}
