import { Injectable, Logger } from '@nestjs/common';
import { TransactionRunner } from '@rentguy/platform/database';
import { OutboxWriter } from '@rentguy/platform/messaging';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import { BookingRepository } from '@rentguy/rentals/data-access';
import { RentalsMetrics } from './rentals.metrics';

const BATCH_SIZE = 200;

/**
 * Releases the dates of unpaid holds: `held` past `expires_at` becomes `expired` + `booking.expired`.
 * Runs from the `rentals-hold-expiry` job scheduler (`HOLD_EXPIRY_SWEEP_MS`).
 */
@Injectable()
export class HoldExpirySweep {
  private readonly logger = new Logger(HoldExpirySweep.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly bookings: BookingRepository,
    private readonly outbox: OutboxWriter,
    private readonly metrics: RentalsMetrics,
  ) {}

  /**
   * Expires every hold due now, in batches of one transaction each (state change and events
   * together). Safe to run on several replicas at once: locked rows are skipped, not waited for.
   */
  @OnJob('rentals-maintenance', 'holds.expire')
  async expireDue(): Promise<JobOutcome> {
    const now = new Date();
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
    return { status: 'done' };
  }
}
