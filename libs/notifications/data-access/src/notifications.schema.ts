import { DeliveryEntity } from './delivery.entity';

/** The service's PostgreSQL schema: nobody else reads it. */
export const NOTIFICATIONS_SCHEMA = 'notifications';

export const notificationsEntities = [DeliveryEntity];
