import { CreatePayments1763856000000 } from './1763856000000-create-payments.migration';
import { CreateOutbox1763856000001 } from './1763856000001-create-outbox.migration';

/** The payments schema's migrations, in order. */
export const paymentsMigrations = [CreatePayments1763856000000, CreateOutbox1763856000001];
