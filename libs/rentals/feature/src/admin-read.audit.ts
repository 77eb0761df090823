import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@rentguy/platform/database';
import type { Principal, RequestOrigin } from '@rentguy/platform/http';
import { OutboxWriter } from '@rentguy/platform/messaging';

/**
 * An admin's read of another user's data (a guest's booking, a host's calendar), reported to
 * identity's audit log as `admin.user_viewed` (issue 8 §7) before the data is shown: it goes
 * through the outbox in its own transaction, so a read whose report could not be stored fails.
 */
@Injectable()
export class AdminReadAudit {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Records the read when `reader` is an admin and `owner` is someone else; otherwise nothing. */
  async record(
    reader: Principal,
    owner: string,
    target: { type: string; id: string },
    details: Record<string, string | number | boolean | null>,
    origin: RequestOrigin,
  ): Promise<void> {
    if (reader.role !== 'admin' || reader.id === owner) {
      return;
    }
    await this.transactions.run((tx) =>
      this.outbox.add(tx, 'audit.recorded', target.id, {
        source: 'rentals',
        actor: { id: reader.id, role: reader.role },
        action: 'admin.user_viewed',
        target,
        ip: origin.ip,
        requestId: origin.requestId,
        occurredAt: new Date().toISOString(),
        details: { ownerId: owner, ...details },
      }),
    );
  }
}
