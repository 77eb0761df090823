// The identity feature as the gateway mounts it, for its integration specs: the real module against
// the test database (migrated through the real migrations), with the outbox writer but no relay
// (test files share identity's outbox table; the e2e suite runs the relay).
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DatabaseModule, databaseConfig, migrateSchema } from '@rentguy/platform/database';
import { HealthModule } from '@rentguy/platform/health';
import { authProviders, ErrorFilter, httpConfig } from '@rentguy/platform/http';
import { MessagingModule, messagingConfig } from '@rentguy/platform/messaging';
import { MetricsModule } from '@rentguy/platform/metrics';
import { testConfigModule, testEnvironment, testJwtEnv } from '@rentguy/testing/platform';
import { identitySchema } from '@rentguy/identity/data-access';
import { identityConfig } from '../src/identity.config';
import { IdentityModule } from '../src/identity.module';

@Module({})
class IdentityTestModule {
  static with(env: Record<string, string>): DynamicModule {
    return {
      module: IdentityTestModule,
      imports: [
        testConfigModule('gateway', [httpConfig, databaseConfig, messagingConfig, identityConfig], {
          DATABASE_URL: testEnvironment().databaseUrl,
          KAFKA_BROKERS: testEnvironment().kafkaBrokers.join(','),
          ...testJwtEnv(),
          ...env,
        }),
        MetricsModule,
        HealthModule.forRoot({ requires: [] }),
        DatabaseModule.forRoot({ schema: identitySchema, applicationName: 'identity-int-spec' }),
        MessagingModule.forRoot({ clientId: 'identity-int-spec', schema: identitySchema.name, relay: false }),
        IdentityModule,
      ],
      providers: authProviders,
    };
  }
}

/** Boots the identity routes (variables in `env` over the defaults: the test key pair, the test database). */
export async function startIdentityTestApp(
  env: Record<string, string> = {},
): Promise<NestFastifyApplication> {
  await migrateSchema(identitySchema, {
    url: testEnvironment().databaseUrl,
    applicationName: 'identity-int-spec-migrate',
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    IdentityTestModule.with(env),
    new FastifyAdapter(),
    {
      logger: false,
    },
  );
  app.useGlobalFilters(new ErrorFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
