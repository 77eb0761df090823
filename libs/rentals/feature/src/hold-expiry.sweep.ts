import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { TransactionRunner } from '@rentguy/platform/database';
import { OutboxWriter } from '@rentguy/platform/messaging';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import { BookingRepository, type Hold, type HoldsQuery } from '@rentguy/rentals/data-access';
import { BookingSettlementService, type HoldCheck } from './booking-settlement.service';
import { ListingCache } from './listing.cache';
import { rentalsConfig } from './rentals.config';
import { RentalsMetrics } from './rentals.metrics';

const BATCH_SIZE = 200;

/**
 * The two sweeps over held bookings, neither of which trusts that every `payment.succeeded`
 * arrived (docs/architecture.md, "Paid holds"):
 * - expiry (`rentals-hold-expiry`, every `HOLD_EXPIRY_SWEEP_MS`): a hold past `expires_at` is
 *   expired + `booking.expired`, unless payments says it is paid, in which case it is confirmed;
 *   when payments cannot be asked, no hold expires until it can;
 * - cross-check (`rentals-hold-cross-check`, every `HOLD_CROSS_CHECK_MS`): every hold older than
 *   `HOLD_CROSS_CHECK_MIN_AGE_MS` that payments says is paid is confirmed, long before it is due.
 * Both run once per interval across replicas (BullMQ job schedulers), a page of holds at a time.
 */
@Injectable()
export class HoldExpirySweep {
  private readonly logger = new Logger(HoldExpirySweep.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly bookings: BookingRepository,
    private readonly settlement: BookingSettlementService,
    private readonly outbox: OutboxWriter,
    private readonly metrics: RentalsMetrics,
    private readonly cache: ListingCache,
    @InjectConfig(rentalsConfig) private readonly config: ConfigOf<typeof rentalsConfig>,
  ) {}

  @OnJob('rentals-maintenance', 'holds.expire')
  async expireDue(): Promise<JobOutcome> {
    const now = new Date();
    let expired = 0;
    await this.eachPage({ dueBy: now }, 'expiry', async (holds, paid) => {
      const unpaid = holds.map((hold) => hold.id).filter((id) => !paid.has(id));
      if (unpaid.length === 0) {
        return;
      }
      // The state change and its events commit together. A hold that a payment confirmation has
      // locked meanwhile is skipped, and one that was confirmed is no longer held: both stay.
      const rows = await this.transactions.run(async (tx) => {
        const expiredRows = await this.bookings.expireDue(unpaid, now, tx);
        for (const hold of expiredRows) {
          await this.outbox.add(tx, 'booking.expired', hold.id, {
            bookingId: hold.id,
            propertyId: hold.propertyId,
          });
        }
        return expiredRows;
      });
      // Freed dates can put these properties back on search pages.
      for (const propertyId of new Set(rows.map((hold) => hold.propertyId))) {
        await this.cache.listingChanged(propertyId);
      }
      this.metrics.bookingsExpired.inc(rows.length);
      expired += rows.length;
    });
    if (expired > 0) {
      this.logger.log(`expired ${expired} unpaid hold(s)`);
    }
    return { status: 'done' };
  }

  @OnJob('rentals-maintenance', 'holds.cross-check')
  async crossCheck(): Promise<JobOutcome> {
    const createdBy = new Date(Date.now() - this.config.HOLD_CROSS_CHECK_MIN_AGE_MS);
    await this.eachPage({ createdBy }, 'cross-check');
    return { status: 'done' };
  }

  /**
   * Pages through the matching holds, confirms the paid ones of each page and hands the page with
   * the paid ids to `then`, if given. Stops at the first page payments could not be asked about: the holds
   * are looked at again next run.
   */
  private async eachPage(
    filter: Omit<HoldsQuery, 'limit' | 'after'>,
    check: HoldCheck,
    then?: (holds: Hold[], paid: Set<string>) => Promise<void>,
  ): Promise<void> {
    let after: Hold | undefined;
    for (;;) {
      const holds = await this.bookings.findHolds({ ...filter, after, limit: BATCH_SIZE });
      if (holds.length === 0) {
        return;
      }
      const paid = await this.settlement.confirmPaidHolds(
        holds.map((hold) => hold.id),
        check,
      );
      if (!paid) {
        return;
      }
      await then?.(holds, paid);
      if (holds.length < BATCH_SIZE) {
        return;
      }
      after = holds.at(-1);
    }
  }
}
