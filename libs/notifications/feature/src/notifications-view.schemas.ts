import { DELIVERY_STATUSES } from '@rentguy/notifications/data-access';
import { NOTIFICATION_CATEGORIES } from '@rentguy/notifications/domain';
import { pageSchema, type Holds, type SchemaMatches, type Page } from '@rentguy/platform/http';
import { z } from 'zod';
import type { DeliveryView, NotificationView, PreferencesView } from './notifications.views';

/**
 * The answers of notifications' public routes, as the OpenAPI document describes them (`@ApiDoc`);
 * the assertions at the end fail the typecheck when a view drifts from its schema.
 */

const notificationFields = {
  id: z.uuid(),
  template: z.string(),
  category: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  subject: z.string(),
  to: z.string().meta({ description: 'the address it went (or goes) to' }),
  locale: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  sentAt: z.iso.datetime({ offset: true }).nullable(),
};

export const notificationViewSchema = z.object(notificationFields);

export const deliveryViewSchema = z.object({
  ...notificationFields,
  eventId: z.uuid(),
  recipientId: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});

export const preferencesViewSchema = z.object({
  categories: z.array(
    z.object({ category: z.enum(NOTIFICATION_CATEGORIES), enabled: z.boolean(), switchable: z.boolean() }),
  ),
});

/** Compile-time only: every view equals what its schema describes. */
export type ViewSchemasMatchViews = [
  Holds<SchemaMatches<typeof notificationViewSchema, NotificationView>>,
  Holds<SchemaMatches<typeof deliveryViewSchema, DeliveryView>>,
  Holds<SchemaMatches<typeof preferencesViewSchema, PreferencesView>>,
  Holds<SchemaMatches<ReturnType<typeof pageSchema<typeof deliveryViewSchema>>, Page<DeliveryView>>>,
];
