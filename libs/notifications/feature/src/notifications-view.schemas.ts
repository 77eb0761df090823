import { DELIVERY_STATUSES } from '@rentguy/notifications/data-access';
import { NOTIFICATION_CATEGORIES } from '@rentguy/notifications/domain';
import { z } from 'zod';
import type { Page } from './delivery-page';
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

/** A keyset page of `items`. */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'pass as `cursor` for the next page; null on the last' }),
  });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;

/** Compile-time only: every view equals what its schema describes. */
export type ViewSchemasMatchViews = [
  Holds<Same<z.infer<typeof notificationViewSchema>, NotificationView>>,
  Holds<Same<z.infer<typeof deliveryViewSchema>, DeliveryView>>,
  Holds<Same<z.infer<typeof preferencesViewSchema>, PreferencesView>>,
  Holds<Same<z.infer<ReturnType<typeof pageSchema<typeof deliveryViewSchema>>>, Page<DeliveryView>>>,
];
