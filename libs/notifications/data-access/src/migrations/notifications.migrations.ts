import { CreateDeliveries1763900000000 } from './1763900000000-create-deliveries.migration';
import { CreateOutboxInbox1763900000001 } from './1763900000001-create-outbox-inbox.migration';

/** Every migration of the `notifications` schema, oldest first. */
export const notificationsMigrations = [CreateDeliveries1763900000000, CreateOutboxInbox1763900000001];
