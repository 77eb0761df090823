export { notificationsSchema } from './notifications.schema';
export { mailConfig } from './mail.config';
export { DeliveryEntity, type DeliveryStatus } from './delivery.entity';
export { DeliveryRepository, type NewDelivery } from './delivery.repository';
export {
  SmtpMailRepository,
  MailRejectedError,
  type OutgoingEmail,
  type SentEmail,
} from './smtp-mail.repository';
