import { Injectable } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import { OutboxWriter } from '@rentguy/platform/messaging';
import type { User } from '@rentguy/identity/data-access';

/** Identity's `identity.user.v1` events, written to its outbox in the caller's transaction. */
@Injectable()
export class UserEventsPublisher {
  constructor(private readonly outbox: OutboxWriter) {}

  async registered(tx: Tx, user: User & { role: 'guest' | 'host' }): Promise<void> {
    await this.outbox.add(tx, 'user.registered', user.id, {
      userId: user.id,
      email: user.email,
      name: user.name,
      locale: user.locale,
      role: user.role,
    });
  }

  async updated(tx: Tx, user: User): Promise<void> {
    await this.outbox.add(tx, 'user.updated', user.id, {
      userId: user.id,
      email: user.email,
      name: user.name,
      locale: user.locale,
    });
  }

  async passwordResetRequested(tx: Tx, userId: string, token: string, expiresAt: Date): Promise<void> {
    await this.outbox.add(tx, 'password-reset.requested', userId, {
      userId,
      token,
      expiresAt: expiresAt.toISOString(),
    });
  }
}
