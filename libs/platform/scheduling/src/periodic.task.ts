import type { Logger } from '@nestjs/common';

/**
 * Runs `work` every `intervalMs` (0 = never), one run at a time, until stopped; `stop` waits for the
 * run in progress so that pools are not closed under it. A failed scheduled run is logged and the next
 * tick runs again. The timer does not keep the process alive on its own.
 */
export class PeriodicTask<T = unknown> {
  private timer?: NodeJS.Timeout;
  private current?: Promise<T>;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<T>,
    private readonly logger: Pick<Logger, 'error'>,
  ) {}

  /** Schedules the runs; a no-op when the interval is 0 or the task is already started. */
  start(): void {
    if (this.intervalMs <= 0 || this.timer) {
      return;
    }
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Cancels further scheduled runs and waits for the run in progress, if any, to settle. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.whenIdle();
  }

  /**
   * Runs `work` (the task's own by default) now, or joins the run in progress instead so that runs
   * never overlap; settles as that run does.
   */
  run(work: () => Promise<T> = this.work): Promise<T> {
    this.current ??= (async () => work())().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  /** What the timer does: `run()`, with a failure logged instead of thrown. */
  async tick(): Promise<void> {
    try {
      await this.run();
    } catch (error) {
      this.logger.error(`${this.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Whether a run is in progress. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Resolves once the run in progress, if any, has settled; never rejects. */
  async whenIdle(): Promise<void> {
    await this.current?.catch(() => undefined);
  }
}
