import { BookingProjectionEntity } from './booking-projection.entity';
import { PaymentEntity } from './payment.entity';
import { WebhookEventEntity } from './webhook-event.entity';

/** The entities of the payments schema, for the app's DatabaseModule. */
export const paymentsEntities = [PaymentEntity, BookingProjectionEntity, WebhookEventEntity];
