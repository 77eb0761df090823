import { loadConfig, runService } from '@rentguy/platform/config';
import { runMigrations, serviceDataSourceOptions } from '@rentguy/platform/database';
import { paymentsEntities, paymentsMigrations } from '@rentguy/payments/data-access';
import { PAYMENTS_SCHEMA, migrateConfig } from './config';

runService('payments-migrate', async () => {
  const config = loadConfig(migrateConfig);
  const applied = await runMigrations(
    serviceDataSourceOptions({
      url: config.DATABASE_URL,
      schema: PAYMENTS_SCHEMA,
      poolSize: 1,
      slowQueryMs: config.DATABASE_SLOW_QUERY_MS,
      applicationName: 'payments-migrate',
      entities: paymentsEntities,
      migrations: paymentsMigrations,
    }),
  );
  process.stdout.write(
    applied.length > 0 ? `payments: applied ${applied.join(', ')}\n` : 'payments: schema up to date\n',
  );
  process.exit(0);
});
