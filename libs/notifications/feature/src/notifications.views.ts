import type { DeliveryEntity, DeliveryStatus } from '@rentguy/notifications/data-access';
import {
  NOTIFICATION_CATEGORIES,
  isSwitchable,
  isWanted,
  type NotificationCategory,
} from '@rentguy/notifications/domain';

/** One email as its recipient sees it in `GET /v1/me/notifications` (never the payload). */
export interface NotificationView {
  id: string;
  template: string;
  category: string;
  status: DeliveryStatus;
  subject: string;
  /** The address it went (or goes) to. */
  to: string;
  locale: string;
  createdAt: string;
  sentAt: string | null;
}

/** One ledger row as an admin sees it in `GET /v1/admin/deliveries`. */
export interface DeliveryView extends NotificationView {
  eventId: string;
  recipientId: string | null;
  attempts: number;
  lastError: string | null;
}

export interface PreferencesView {
  categories: { category: NotificationCategory; enabled: boolean; switchable: boolean }[];
}

export function toNotificationView(delivery: DeliveryEntity): NotificationView {
  return {
    id: delivery.id,
    template: delivery.template,
    category: delivery.category,
    status: delivery.status,
    subject: delivery.subject,
    to: delivery.recipient,
    locale: delivery.locale,
    createdAt: delivery.createdAt.toISOString(),
    sentAt: delivery.sentAt?.toISOString() ?? null,
  };
}

export function toDeliveryView(delivery: DeliveryEntity): DeliveryView {
  return {
    ...toNotificationView(delivery),
    eventId: delivery.eventId,
    recipientId: delivery.recipientId,
    attempts: delivery.attempts,
    lastError: delivery.lastError,
  };
}

export function toPreferencesView(preferences: Readonly<Record<string, boolean>>): PreferencesView {
  return {
    categories: NOTIFICATION_CATEGORIES.map((category) => ({
      category,
      enabled: isWanted(category, preferences),
      switchable: isSwitchable(category),
    })),
  };
}
