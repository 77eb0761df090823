import { Injectable, Optional, type Type } from '@nestjs/common';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import type { OutboxRetentionQueue } from './messaging.options';
import { OutboxRelay } from './outbox.relay';

/**
 * The handler of `outbox.prune` on `queue` (run by the service's `<service>-outbox-retention` job
 * scheduler): deletes the schema's old published outbox rows through the relay. A process without
 * the relay skips the run, so a replica that only writes events can still work the queue.
 */
export function outboxRetentionHandler(queue: OutboxRetentionQueue): Type<unknown> {
  @Injectable()
  class OutboxRetentionHandler {
    constructor(@Optional() private readonly relay?: OutboxRelay) {}

    @OnJob(queue, 'outbox.prune')
    async prune(): Promise<JobOutcome> {
      if (!this.relay) {
        return { status: 'skipped', reason: 'this process runs no outbox relay' };
      }
      await this.relay.pruneRetention();
      return { status: 'done' };
    }
  }
  return OutboxRetentionHandler;
}
