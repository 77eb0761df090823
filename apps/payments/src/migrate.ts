import { runMigrateCommand } from '@rentguy/platform/database';
import { paymentsSchema } from '@rentguy/payments/data-access';

/** `node dist/apps/payments/src/migrate.js`: applies pending migrations of the payments schema. */
runMigrateCommand('payments', paymentsSchema);
