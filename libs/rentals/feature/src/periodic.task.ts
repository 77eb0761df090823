import type { Logger } from '@nestjs/common';

/**
 * Runs `work` every `intervalMs` (0 = never), one run at a time, until stopped; `stop` waits for the
 * run in progress so that pools are not closed under it. Errors are logged and the next tick retries.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) {
      return;
    }
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = this.work()
      .then(() => undefined)
      .catch((error: unknown) => {
        this.logger.warn(`${this.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }
}
