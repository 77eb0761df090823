import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG } from '@rentguy/platform/config';
import { TransactionRunner } from '@rentguy/platform/database';
import { OutboxWriter } from '@rentguy/platform/messaging';
import { PeriodicTask } from '@rentguy/platform/scheduling';
import { BookingRepository } from '@rentguy/rentals/data-access';
import type { RentalsFeatureConfig } from './rentals.config';
import { RentalsMetrics } from './rentals.metrics';

const BATCH_SIZE = 200;

/** Releases the dates of unpaid holds: `held` past `expires_at` becomes `expired` + `booking.expired`. */
@Injectable()
export class HoldExpirySweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HoldExpirySweep.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly bookings: BookingRepository,
    private readonly outbox: OutboxWriter,
    private readonly metrics: RentalsMetrics,
    @Inject(APP_CONFIG) config: RentalsFeatureConfig,
  ) {
    this.task = new PeriodicTask(
      'hold expiry sweep',
      config.HOLD_EXPIRY_SWEEP_MS,
      () => this.expireDue(),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  /**
   * Expires every hold due at `now`, in batches of one transaction each (state change and events
   * together). Safe to run on several replicas at once: locked rows are skipped, not waited for.
   * Returns how many holds expired.
   */
  async expireDue(now: Date = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.transactions.run(async (tx) => {
        const holds = await this.bookings.expireDue(now, BATCH_SIZE, tx);
        for (const hold of holds) {
          await this.outbox.add(tx, 'booking.expired', hold.id, {
            bookingId: hold.id,
            propertyId: hold.propertyId,
          });
        }
        return holds.length;
      });
      total += expired;
      this.metrics.bookingsExpired.inc(expired);
      if (expired < BATCH_SIZE) {
        break;
      }
    }
    if (total > 0) {
      this.logger.log(`expired ${total} unpaid hold(s)`);
    }
    return total;
  }
}
