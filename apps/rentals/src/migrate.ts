import { runMigrateCommand } from '@rentguy/platform/database';
import { rentalsSchema } from '@rentguy/rentals/data-access';

/** `node dist/apps/rentals/src/migrate.js`: applies pending migrations of the rentals schema. */
runMigrateCommand('rentals', rentalsSchema);
