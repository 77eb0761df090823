import { composeConfig, loadConfig, runService } from '@rentguy/platform/config';
import { databaseConfig, runMigrations, serviceDataSourceOptions } from '@rentguy/platform/database';
import {
  NOTIFICATIONS_SCHEMA,
  notificationsEntities,
  notificationsMigrations,
} from '@rentguy/notifications/data-access';

// Only what migrating needs: a migration job must not fail on a missing SMTP or JWT setting.
const migrateConfig = composeConfig('notifications', [databaseConfig]);

runService('notifications-migrate', async () => {
  const config = loadConfig(migrateConfig);
  const applied = await runMigrations(
    serviceDataSourceOptions({
      url: config.DATABASE_URL,
      schema: NOTIFICATIONS_SCHEMA,
      poolSize: 1,
      slowQueryMs: config.DATABASE_SLOW_QUERY_MS,
      applicationName: 'notifications-migrate',
      entities: notificationsEntities,
      migrations: notificationsMigrations,
    }),
  );
  process.stdout.write(
    applied.length > 0
      ? `notifications: applied ${applied.join(', ')}\n`
      : 'notifications: schema is up to date\n',
  );
  process.exit(0);
});
