import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG } from '@rentguy/platform/config';
import { PeriodicTask } from '@rentguy/platform/scheduling';
import { DeliveryService } from '../deliveries/delivery.service';
import type { NotificationsConfig } from '../notifications.config';

/**
 * Periodically re-enqueues deliveries left pending, e.g. by a crash between the consumer's commit
 * and its enqueue. Every instance sweeps; deterministic job ids make the overlap harmless.
 */
@Injectable()
export class PendingDeliverySweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PendingDeliverySweeper.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly deliveries: DeliveryService,
    @Inject(APP_CONFIG)
    private readonly config: Pick<NotificationsConfig, 'EMAIL_SWEEP_INTERVAL_MS' | 'EMAIL_SWEEP_MIN_AGE_MS'>,
  ) {
    this.task = new PeriodicTask(
      'pending delivery sweep',
      config.EMAIL_SWEEP_INTERVAL_MS,
      () => this.sweep(),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** Stops before the queues close, so a sweep never enqueues into a closed connection. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One sweep; skipped while the previous one still runs (a slow database must not pile them up). */
  tick(): Promise<void> {
    return this.task.tick();
  }

  private async sweep(): Promise<void> {
    const count = await this.deliveries.sweepPending(this.config.EMAIL_SWEEP_MIN_AGE_MS);
    if (count > 0) {
      // Most are no-ops (their job is waiting for a retry); the rest were lost between commit and enqueue.
      this.logger.debug(`handed ${count} stale pending deliveries to the email queue again`);
    }
  }
}
