export { NotificationsModule } from './notifications.module';
export { notificationsQueueOptions, type NotificationsConfig } from './notifications.config';
export { NOTIFICATIONS_SCHEMA, notificationsEntities } from './notifications.schema';
export { notificationsMigrations } from './migrations/notifications.migrations';
export { DeliveryService, DELIVERY_HEADER, type RecordedDelivery } from './deliveries/delivery.service';
export { DeliveryEntity, type DeliveryStatus } from './deliveries/delivery.entity';
export { LOCALES, DEFAULT_LOCALE, type Locale, type RenderedEmail } from './templates/email-template.model';
export {
  templateCatalog,
  renderStoredEmail,
  type TemplateName,
  type TemplatePayload,
} from './templates/template-catalog';
