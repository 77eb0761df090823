export { NotificationsModule } from './notifications.module';
export { notificationsQueueOptions, type NotificationsConfig } from './notifications.config';
