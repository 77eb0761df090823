import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigModule, composeConfig, type ConfigOf } from '@rentguy/platform/config';
import { DatabaseModule, databaseConfig } from '@rentguy/platform/database';
import { HealthModule } from '@rentguy/platform/health';
import { MetricsModule } from '@rentguy/platform/metrics';
import { identitySchema, UserEntity, UserRepository } from '@rentguy/identity/data-access';
import { AdminAccountService } from './admin-account.service';
import { PasswordHasher } from './password.hasher';

/** What the `admin:create` command reads: the database only (it needs no signing key). */
export const adminCommandConfig = composeConfig('gateway', [databaseConfig]);

/** The identity pieces the `admin:create` command runs with. */
@Module({})
export class AdminCommandModule {
  static forRoot(config: ConfigOf<typeof adminCommandConfig>): DynamicModule {
    return {
      module: AdminCommandModule,
      imports: [
        ConfigModule.forRoot(adminCommandConfig, config),
        MetricsModule,
        HealthModule.forRoot({ requires: [] }),
        DatabaseModule.forRoot({ schema: identitySchema, applicationName: 'gateway-admin-create' }),
        TypeOrmModule.forFeature([UserEntity]),
      ],
      providers: [UserRepository, PasswordHasher, AdminAccountService],
    };
  }
}
