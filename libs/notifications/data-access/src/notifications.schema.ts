import type { ServiceSchema } from '@rentguy/platform/database';
import { DeliveryEntity } from './delivery.entity';
import { BookingStayEntity } from './booking-stay.entity';
import { RecipientEntity } from './recipient.entity';
import { CreateDeliveries1763900000000 } from './migrations/1763900000000-create-deliveries.migration';
import { CreateOutboxInbox1763900000001 } from './migrations/1763900000001-create-outbox-inbox.migration';
import { RecipientsAndDeliveryStates1764900000000 } from './migrations/1764900000000-recipients-and-delivery-states.migration';
import { BookingStays1765000000000 } from './migrations/1765000000000-booking-stays.migration';

/** The service's PostgreSQL schema (nobody else reads it): its entities and its migrations, oldest first. */
export const notificationsSchema: ServiceSchema = {
  name: 'notifications',
  entities: [DeliveryEntity, RecipientEntity, BookingStayEntity],
  migrations: [
    CreateDeliveries1763900000000,
    CreateOutboxInbox1763900000001,
    RecipientsAndDeliveryStates1764900000000,
    BookingStays1765000000000,
  ],
};
