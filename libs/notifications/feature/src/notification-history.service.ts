import { Injectable } from '@nestjs/common';
import {
  DeliveryRepository,
  type DeliveryFilter,
  type ListedDelivery,
} from '@rentguy/notifications/data-access';
import { decodePageCursor, pageOf, type Page, type Principal } from '@rentguy/platform/http';
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
  constructor(private readonly deliveries: DeliveryRepository) {}

  /** The caller's own emails, by user id (so they stay listed after an address change), newest first. */
  listOwn(user: Principal, query: MyNotificationsQuery): Promise<Page<NotificationView>> {
    return this.page('me', { recipientId: user.id, status: query.status }, query, toNotificationView);
  }

  listAll(query: AdminDeliveriesQuery): Promise<Page<DeliveryView>> {
    const recipient = query.recipient;
    const byId = recipient !== undefined && !recipient.includes('@');
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
