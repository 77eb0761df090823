import type { ServiceSchema } from '@rentguy/platform/database';
import { BookingProjectionEntity } from './booking-projection.entity';
import { CreatePayments1763856000000 } from './migrations/1763856000000-create-payments.migration';
import { CreateOutbox1763856000001 } from './migrations/1763856000001-create-outbox.migration';
import { CreateRefunds1764700000000 } from './migrations/1764700000000-create-refunds.migration';
import { PaymentEntity } from './payment.entity';
import { RefundEntity } from './refund.entity';
import { WebhookEventEntity } from './webhook-event.entity';

/** The service's PostgreSQL schema (nobody else reads it): its entities and its migrations, oldest first. */
export const paymentsSchema: ServiceSchema = {
  name: 'payments',
  entities: [PaymentEntity, BookingProjectionEntity, WebhookEventEntity, RefundEntity],
  migrations: [CreatePayments1763856000000, CreateOutbox1763856000001, CreateRefunds1764700000000],
};
