export { NOTIFICATIONS_SCHEMA, notificationsEntities } from './notifications.schema';
export { notificationsMigrations } from './migrations/notifications.migrations';
export { mailConfig } from './mail.config';
export { DeliveryEntity, type DeliveryStatus } from './delivery.entity';
export { DeliveryRepository, type NewDelivery } from './delivery.repository';
export {
  SmtpMailRepository,
  MailRejectedError,
  type OutgoingEmail,
  type SentEmail,
} from './smtp-mail.repository';
