import { runMigrateCommand } from '@rentguy/platform/database';
import { notificationsSchema } from '@rentguy/notifications/data-access';

/** `node dist/apps/notifications/src/migrate.js`: applies pending migrations of the notifications schema. */
runMigrateCommand('notifications', notificationsSchema);
