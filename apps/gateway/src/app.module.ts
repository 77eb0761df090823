import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EdgeModule } from '@rentguy/gateway/edge';
import { IDENTITY_SCHEMA, identityEntities, identityMigrations, IdentityModule } from '@rentguy/identity';
import { ConfigModule } from '@rentguy/platform/config';
import { DatabaseModule } from '@rentguy/platform/database';
import { HealthModule } from '@rentguy/platform/health';
import { AccessTokenVerifier, AuthGuard } from '@rentguy/platform/http';
import { LoggingModule } from '@rentguy/platform/logging';
import { MetricsModule } from '@rentguy/platform/metrics';
import type { GatewayConfig } from './config';

@Module({})
export class AppModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot({ service: 'gateway', level: config.LOG_LEVEL }),
        MetricsModule,
        HealthModule,
        DatabaseModule.forRoot({
          schema: IDENTITY_SCHEMA,
          entities: identityEntities,
          migrations: identityMigrations,
          applicationName: 'gateway',
        }),
        IdentityModule,
        EdgeModule,
      ],
      providers: [AccessTokenVerifier, { provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
