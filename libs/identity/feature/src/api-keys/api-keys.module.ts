import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyEntity, ApiKeyRepository, UserEntity, UserRepository } from '@rentguy/identity/data-access';
import { AuditModule } from '../audit/audit.module';
import { IdentityModule } from '../identity.module';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { ApiKeyExpiryReminder } from './api-key-expiry.reminder';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';

/**
 * Partners' API keys: `/v1/api-keys`, and the authenticator that turns a presented key into its
 * owner's access token for every route (before guards and the proxy).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity, UserEntity]), IdentityModule, AuditModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeyRepository, UserRepository, ApiKeyAuthenticator, ApiKeyExpiryReminder],
})
export class ApiKeysModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ApiKeyAuthenticator).forRoutes('*');
  }
}
