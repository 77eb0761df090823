import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import { DeliveryService } from '../delivery.service';
import { notificationsConfig } from '../notifications.config';

/**
 * Re-enqueues deliveries left queued, e.g. by a crash between the consumer's commit and its
 * enqueue. Runs from the `notifications-pending-deliveries` job scheduler
 * (`EMAIL_SWEEP_INTERVAL_MS`); deterministic job ids make a re-enqueue of a queued job a no-op.
 */
@Injectable()
export class PendingDeliverySweeper {
  private readonly logger = new Logger(PendingDeliverySweeper.name);

  constructor(
    private readonly deliveries: DeliveryService,
    @InjectConfig(notificationsConfig) private readonly config: ConfigOf<typeof notificationsConfig>,
  ) {}

  @OnJob('notifications-maintenance', 'deliveries.requeue-pending')
  async sweep(): Promise<JobOutcome> {
    const count = await this.deliveries.sweepQueued(this.config.EMAIL_SWEEP_MIN_AGE_MS);
    if (count > 0) {
      // Most are no-ops (their job is waiting for a retry); the rest were lost between commit and enqueue.
      this.logger.debug(`handed ${count} stale queued deliveries to the email queue again`);
    }
    return { status: 'done' };
  }
}
