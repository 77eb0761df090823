import { NestFactory } from '@nestjs/core';
import { DomainError } from '@rentguy/contracts';
import { loadConfig, runService } from '@rentguy/platform/config';
import { AdminAccountService, AdminCommandModule, adminCommandConfig } from '@rentguy/identity/feature';

/**
 * `node dist/apps/gateway/src/admin-create.js EMAIL` (`npm run admin:create -- EMAIL`): makes the
 * account of EMAIL an admin, creating it when there is none. Reads only `DATABASE_URL`.
 */
runService('gateway-admin-create', async () => {
  const email = process.argv[2];
  if (!email) {
    process.stderr.write('usage: npm run admin:create -- EMAIL\n');
    process.exit(2);
  }
  const config = loadConfig(adminCommandConfig);
  const app = await NestFactory.createApplicationContext(AdminCommandModule.forRoot(config), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  try {
    const result = await app
      .get(AdminAccountService)
      .createOrPromote(email)
      .catch((error: unknown) => {
        if (error instanceof DomainError) {
          process.stderr.write(`admin:create: ${error.message}\n`);
          process.exit(2);
        }
        throw error;
      });
    const next =
      result.outcome === 'created'
        ? ': set its password with "forgot password" (POST /v1/auth/password-reset), whose email has the link'
        : '';
    process.stdout.write(`admin ${result.email} (${result.userId}) ${result.outcome}${next}\n`);
  } finally {
    await app.close();
  }
  process.exit(0);
});
