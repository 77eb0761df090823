export { NotificationsModule } from './notifications.module';
export { notificationsConfig, notificationsQueueOptions } from './notifications.config';
export { DELIVERY_HEADER, DeliveryService } from './delivery.service';
export { UnsubscribeLinks } from './unsubscribe-links';
