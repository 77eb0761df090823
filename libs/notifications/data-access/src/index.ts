export { notificationsSchema } from './notifications.schema';
export { mailConfig } from './mail.config';
export { DeliveryEntity, DELIVERY_STATUSES, type DeliveryStatus } from './delivery.entity';
export {
  DeliveryRepository,
  type DeliveryFilter,
  type DeliveryPageKey,
  type ListedDelivery,
  type NewDelivery,
} from './delivery.repository';
export { BookingStayEntity, BOOKING_STAY_STATUSES, type BookingStayStatus } from './booking-stay.entity';
export { BookingStayRepository, type HeldStay } from './booking-stay.repository';
export { RecipientEntity } from './recipient.entity';
export { RecipientRepository, type RecipientProfile } from './recipient.repository';
export {
  SmtpMailRepository,
  MailRejectedError,
  type OutgoingEmail,
  type SentEmail,
} from './smtp-mail.repository';
