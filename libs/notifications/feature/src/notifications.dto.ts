import { DELIVERY_STATUSES } from '@rentguy/notifications/data-access';
import { templateCatalog, type TemplateName } from '@rentguy/notifications/domain';
import { z } from 'zod';

const page = {
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .optional(),
  cursor: z.string().min(1).max(512).optional(),
};

const templateNames = Object.keys(templateCatalog) as [TemplateName, ...TemplateName[]];

/** `GET /v1/admin/deliveries`: `recipient` is an address or a user id. */
export const adminDeliveriesQuerySchema = z
  .object({
    recipient: z.union([z.uuid(), z.email()]).optional(),
    status: z.enum(DELIVERY_STATUSES).optional(),
    template: z.enum(templateNames).optional(),
    ...page,
  })
  .strict();
export type AdminDeliveriesQuery = z.infer<typeof adminDeliveriesQuerySchema>;

/** `GET /v1/me/notifications`. */
export const myNotificationsQuerySchema = z
  .object({ status: z.enum(DELIVERY_STATUSES).optional(), ...page })
  .strict();
export type MyNotificationsQuery = z.infer<typeof myNotificationsQuerySchema>;

/**
 * `PUT /v1/me/notification-preferences`: the switchable categories to change. `transactional` may
 * be sent only as `true` (it cannot be switched off).
 */
export const updatePreferencesSchema = z
  .object({
    transactional: z.literal(true, 'transactional emails cannot be switched off').optional(),
    host_tips: z.boolean().optional(),
    product_news: z.boolean().optional(),
  })
  .strict();
export type UpdatePreferencesDto = z.infer<typeof updatePreferencesSchema>;

/** `?token=` of an unsubscribe link. */
export const unsubscribeQuerySchema = z.object({ token: z.string().min(1).max(2048) }).strict();
export type UnsubscribeQuery = z.infer<typeof unsubscribeQuerySchema>;
