import { runMigrateCommand } from '@rentguy/platform/database';
import { identitySchema } from '@rentguy/identity/data-access';

/** `node dist/apps/gateway/src/migrate.js`: applies pending migrations of the identity schema. */
runMigrateCommand('gateway', identitySchema);
