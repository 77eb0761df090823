import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ConfigModule } from '@rentguy/platform/config';
import { DatabaseModule } from '@rentguy/platform/database';
import { HealthModule } from '@rentguy/platform/health';
import { AccessTokenVerifier, AuthGuard } from '@rentguy/platform/http';
import { LoggingModule } from '@rentguy/platform/logging';
import { MessagingModule } from '@rentguy/platform/messaging';
import { MetricsModule } from '@rentguy/platform/metrics';
import { PaymentsModule, paymentsEntities, paymentsMigrations } from '@rentguy/payments/feature';
import { PAYMENTS_SCHEMA, type PaymentsConfig } from './config';

@Module({})
export class AppModule {
  static register(config: PaymentsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot({ service: 'payments', level: config.LOG_LEVEL }),
        MetricsModule,
        HealthModule,
        DatabaseModule.forRoot({
          schema: PAYMENTS_SCHEMA,
          entities: paymentsEntities,
          migrations: paymentsMigrations,
          applicationName: 'payments',
        }),
        MessagingModule.forRoot({
          clientId: config.KAFKA_CLIENT_ID ?? 'payments',
          schema: PAYMENTS_SCHEMA,
          relay: true,
        }),
        PaymentsModule,
      ],
      providers: [AccessTokenVerifier, { provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
