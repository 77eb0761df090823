import { Injectable, Logger } from '@nestjs/common';
import { ApiKeyRepository } from '@rentguy/identity/data-access';
import { TransactionRunner } from '@rentguy/platform/database';
import { OutboxWriter } from '@rentguy/platform/messaging';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import { API_KEY_PREFIX } from './api-key.secret';

/** Keys expiring within this window get their reminder. */
export const EXPIRY_REMINDER_WINDOW_MS = 7 * 86_400_000;
const BATCH = 200;

/**
 * The daily reminder (`gateway-api-key-expiry`, one run across replicas): every live key that
 * expires within 7 days and was not reminded of yet gets one `api-key.expiring` event, written in
 * the transaction that marks the key reminded; notifications emails its owner.
 */
@Injectable()
export class ApiKeyExpiryReminder {
  private readonly logger = new Logger(ApiKeyExpiryReminder.name);

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly transactions: TransactionRunner,
    private readonly outbox: OutboxWriter,
  ) {}

  @OnJob('gateway-maintenance', 'api-keys.remind-expiring')
  async remind(): Promise<JobOutcome> {
    const now = new Date();
    let reminded = 0;
    for (;;) {
      const batch = await this.transactions.run(async (tx) => {
        const expiring = await this.keys.claimExpiring(tx, now, EXPIRY_REMINDER_WINDOW_MS, BATCH);
        for (const key of expiring) {
          await this.outbox.add(tx, 'api-key.expiring', key.userId, {
            userId: key.userId,
            apiKeyId: key.id,
            name: key.name,
            prefix: `${API_KEY_PREFIX}${key.keyId}`,
            expiresAt: key.expiresAt.toISOString(),
          });
        }
        return expiring.length;
      });
      reminded += batch;
      if (batch < BATCH) {
        break;
      }
    }
    if (reminded > 0) {
      this.logger.log(`reminded the owners of ${reminded} API key(s) expiring within 7 days`);
    }
    return { status: 'done' };
  }
}
