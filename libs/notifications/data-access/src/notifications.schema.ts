import type { ServiceSchema } from '@rentguy/platform/database';
import { DeliveryEntity } from './delivery.entity';
import { RecipientEntity } from './recipient.entity';
import { CreateDeliveries1763900000000 } from './migrations/1763900000000-create-deliveries.migration';
import { CreateOutboxInbox1763900000001 } from './migrations/1763900000001-create-outbox-inbox.migration';
import { RecipientsAndDeliveryStates1764900000000 } from './migrations/1764900000000-recipients-and-delivery-states.migration';

/** The service's PostgreSQL schema (nobody else reads it): its entities and its migrations, oldest first. */
export const notificationsSchema: ServiceSchema = {
  name: 'notifications',
  entities: [DeliveryEntity, RecipientEntity],
  migrations: [
    CreateDeliveries1763900000000,
    CreateOutboxInbox1763900000001,
    RecipientsAndDeliveryStates1764900000000,
  ],
};
