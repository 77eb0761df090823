import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  DeliveryRepository,
  type DeliveryFilter,
  type ListedDelivery,
} from '@rentguy/notifications/data-access';
import { TransactionRunner } from '@rentguy/platform/database';
import {
  decodePageCursor,
  pageOf,
  type Page,
  type Principal,
  type RequestOrigin,
} from '@rentguy/platform/http';
import { OutboxWriter } from '@rentguy/platform/messaging';
import type { AdminDeliveriesQuery, MyNotificationsQuery } from './notifications.dto';
import {
  toDeliveryView,
  toNotificationView,
  type DeliveryView,
  type NotificationView,
} from './notifications.views';

const DEFAULT_PAGE_SIZE = 20;

/** The ledger read back: a user's own emails, and every delivery for admins. */
@Injectable()
export class NotificationHistoryService {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly transactions: TransactionRunner,
    private readonly outbox: OutboxWriter,
  ) {}

  /** The caller's own emails, by user id (so they stay listed after an address change), newest first. */
  listOwn(user: Principal, query: MyNotificationsQuery): Promise<Page<NotificationView>> {
    return this.page('me', { recipientId: user.id, status: query.status }, query, toNotificationView);
  }

  /**
   * Every delivery, for an admin: reading other users' emails is audited (issue 8 §7), one entry per
   * page read with its filter, recorded before the page is shown.
   */
  async listAll(
    admin: Principal,
    query: AdminDeliveriesQuery,
    origin: RequestOrigin,
  ): Promise<Page<DeliveryView>> {
    const recipient = query.recipient;
    const byId = recipient !== undefined && !recipient.includes('@');
    const read = randomUUID();
    await this.transactions.run((tx) =>
      this.outbox.add(tx, 'audit.recorded', read, {
        source: 'notifications',
        actor: { id: admin.id, role: admin.role },
        action: 'admin.user_viewed',
        target: { type: 'delivery_list', id: recipient ?? '*' },
        ip: origin.ip,
        requestId: origin.requestId,
        occurredAt: new Date().toISOString(),
        details: {
          status: query.status ?? null,
          template: query.template ?? null,
          page: query.cursor ? 'next' : 'first',
        },
      }),
    );
    return this.page(
      'admin',
      {
        ...(byId ? { recipientId: recipient } : { recipientEmail: recipient }),
        status: query.status,
        template: query.template,
      },
      query,
      toDeliveryView,
    );
  }

  private async page<T>(
    scope: string,
    filter: DeliveryFilter,
    query: { limit?: number; cursor?: string },
    view: (row: ListedDelivery) => T,
  ): Promise<Page<T>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor === undefined ? undefined : decodePageCursor(scope, query.cursor);
    const rows = await this.deliveries.list(
      filter,
      limit + 1,
      after && { createdAt: after.at, id: after.id },
    );
    return pageOf(rows, limit, scope, (row) => ({ at: row.pageKey.createdAt, id: row.pageKey.id }), view);
  }
}
