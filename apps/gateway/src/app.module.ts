import { Module, type DynamicModule } from '@nestjs/common';
import { LISTING_CACHE_PREFIX } from '@rentguy/contracts';
import { EdgeModule, edgeGuards } from '@rentguy/gateway/edge';
import { identitySchema } from '@rentguy/identity/data-access';
import { ApiKeysModule, AuditModule, IdentityModule, identityQueueOptions } from '@rentguy/identity/feature';
import { CacheModule, type CacheModuleOptions } from '@rentguy/platform/cache';
import { DatabaseModule } from '@rentguy/platform/database';
import { authProviders, platformCoreModules } from '@rentguy/platform/http';
import { MessagingModule, type MessagingModuleOptions } from '@rentguy/platform/messaging';
import { QueueModule, type QueueModuleOptions } from '@rentguy/platform/queue';
import { appConfig, type AppConfig } from './config';

/**
 * What the integration tests change so their run stays apart from others on the shared database
 * and broker; the app itself passes none.
 */
export interface AppModuleOptions {
  /** A topic prefix, or no relay: test files share identity's outbox table. */
  messaging?: Partial<Pick<MessagingModuleOptions, 'topicPrefix' | 'relay'>>;
  queue?: Pick<QueueModuleOptions, 'prefix'>;
  cache?: CacheModuleOptions;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Kafka is not required: with it down, the outbox keeps identity's events until it is back.
        ...platformCoreModules(appConfig, config, { requires: [] }),
        DatabaseModule.forRoot({ schema: identitySchema, applicationName: 'gateway' }),
        MessagingModule.forRoot({
          clientId: 'gateway',
          schema: identitySchema.name,
          relay: true,
          outboxRetentionQueue: 'gateway-maintenance',
          consumerGroup: 'gateway',
          ...options.messaging,
        }),
        // Identity's periodic work: API key expiry reminders and outbox retention.
        QueueModule.forRoot({ ...identityQueueOptions(config), ...options.queue }),
        // Anonymous property reads answered at the edge, in rentals' cache space (EdgeReadCache).
        CacheModule.forRoot({ prefix: LISTING_CACHE_PREFIX, ...options.cache }),
        IdentityModule,
        ApiKeysModule,
        AuditModule,
        EdgeModule,
      ],
      // Auth first: the rate limit counts the caller it verified.
      providers: [...authProviders, ...edgeGuards],
    };
  }
}
