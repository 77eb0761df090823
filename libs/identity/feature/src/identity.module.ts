import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenIssuer } from './access-token.issuer';
import { AuthController } from './auth.controller';
import { JwksController } from './jwks.controller';
import { AuthService } from './auth.service';
import { PasswordHasher } from './password.hasher';
import { SessionService } from './session.service';
import { SessionRepository, UserEntity, UserRepository } from '@rentguy/identity/data-access';

/** Registration, login and sessions (`/v1/auth/*`). Needs `DatabaseModule.forRoot` with the identity schema. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  controllers: [AuthController, JwksController],
  providers: [
    AuthService,
    SessionService,
    UserRepository,
    SessionRepository,
    PasswordHasher,
    AccessTokenIssuer,
  ],
  exports: [AccessTokenIssuer],
})
export class IdentityModule {}
