import { Module, type DynamicModule } from '@nestjs/common';
import { EdgeModule, edgeGuards } from '@rentguy/gateway/edge';
import { identitySchema } from '@rentguy/identity/data-access';
import { ApiKeysModule, IdentityModule } from '@rentguy/identity/feature';
import { DatabaseModule } from '@rentguy/platform/database';
import { authProviders, platformCoreModules } from '@rentguy/platform/http';
import { appConfig, type AppConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformCoreModules(appConfig, config, { requires: [] }),
        DatabaseModule.forRoot({ schema: identitySchema, applicationName: 'gateway' }),
        IdentityModule,
        ApiKeysModule,
        EdgeModule,
      ],
      // Auth first: the rate limit counts the caller it verified.
      providers: [...authProviders, ...edgeGuards],
    };
  }
}
