import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { OpsServer } from './ops.server';
import { ReadinessRegistry } from './readiness.registry';
import { describeError } from '@rentguy/platform/errors';

export interface LifecycleOptions {
  opsPort: number;
  host: string;
  drainDelayMs: number;
  graceMs: number;
  logger: LoggerService;
  /** Last step before exit, after everything has drained (e.g. flushing buffered trace spans). */
  onDrained?: () => Promise<void>;
}

/**
 * Starts the ops port and wires SIGTERM/SIGINT: readiness turns 503, we wait for load balancers to
 * notice, then Nest closes HTTP, consumers, workers and pools (module destroy hooks), and the
 * process exits 0. A drain that overruns the grace period exits 1 rather than hanging forever.
 */
export async function runWithLifecycle(
  app: INestApplicationContext,
  options: LifecycleOptions,
): Promise<void> {
  const ops = app.get(OpsServer);
  const readiness = app.get(ReadinessRegistry);
  const port = await ops.listen(options.opsPort, options.host);
  options.logger.log(`ops port listening on http://${options.host}:${port}`, 'Lifecycle');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      return;
    }
    stopping = true;
    options.logger.log(`${signal} received: draining`, 'Lifecycle');
    readiness.startDraining();
    const force = setTimeout(() => {
      options.logger.error(`drain exceeded ${options.graceMs} ms, exiting`, undefined, 'Lifecycle');
      process.exit(1);
    }, options.graceMs);
    force.unref();
    await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
    try {
      await app.close();
      await ops.close();
      await options.onDrained?.();
      options.logger.log('drained, bye', 'Lifecycle');
      process.exit(0);
    } catch (error) {
      options.logger.error(describeError(error, { stack: true }), undefined, 'Lifecycle');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}
