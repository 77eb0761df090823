import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DatabaseModule } from '@rentguy/platform/database';
import { AccessTokenVerifier, AuthGuard, platformCoreModules } from '@rentguy/platform/http';
import { MessagingModule } from '@rentguy/platform/messaging';
import { QueueModule } from '@rentguy/platform/queue';
import { paymentsSchema } from '@rentguy/payments/data-access';
import { PaymentsModule, paymentsQueueOptions } from '@rentguy/payments/feature';
import type { PaymentsConfig } from './config';

@Module({})
export class AppModule {
  static register(config: PaymentsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformCoreModules('payments', config, { requires: ['postgres'] }),
        DatabaseModule.forRoot({ schema: paymentsSchema, applicationName: 'payments' }),
        MessagingModule.forRoot({
          clientId: config.KAFKA_CLIENT_ID ?? 'payments',
          schema: paymentsSchema.name,
          relay: true,
          consumerGroup: 'payments',
          outboxRetentionQueue: 'payments-maintenance',
        }),
        QueueModule.forRoot(paymentsQueueOptions(config)),
        PaymentsModule,
      ],
      providers: [AccessTokenVerifier, { provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
