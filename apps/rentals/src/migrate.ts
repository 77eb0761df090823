import { composeConfig, loadConfig } from '@rentguy/platform/config';
import { databaseConfig } from '@rentguy/platform/database';
import { migrateRentals } from '@rentguy/rentals/data-access';
import { describeError } from '@rentguy/platform/errors';

/** The migrate command needs the database only, so it runs without the service's secrets. */
const migrateConfig = composeConfig('rentals', [databaseConfig]);

/** `node dist/apps/rentals/src/migrate.js`: applies pending migrations of the `rentals` schema. */
async function migrate(): Promise<void> {
  const config = loadConfig(migrateConfig);
  const applied = await migrateRentals({
    url: config.DATABASE_URL,
    slowQueryMs: config.DATABASE_SLOW_QUERY_MS,
  });
  process.stdout.write(
    applied.length > 0 ? `rentals: applied ${applied.join(', ')}\n` : 'rentals: no pending migrations\n',
  );
}

migrate().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`rentals: migration failed: ${describeError(error, { stack: true })}\n`);
    process.exit(1);
  },
);
