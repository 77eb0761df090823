import { Injectable, Optional } from '@nestjs/common';
import { OutboxRelay } from '@rentguy/platform/messaging';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';

/** Deletes old published outbox rows; runs from the `payments-outbox-retention` job scheduler. */
@Injectable()
export class OutboxRetentionProcessor {
  constructor(@Optional() private readonly relay?: OutboxRelay) {}

  @OnJob('payments-maintenance', 'outbox.prune')
  async prune(): Promise<JobOutcome> {
    if (!this.relay) {
      return { status: 'skipped', reason: 'this process runs no outbox relay' };
    }
    await this.relay.pruneRetention();
    return { status: 'done' };
  }
}
