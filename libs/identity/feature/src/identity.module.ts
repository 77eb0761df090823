import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  PasswordResetRepository,
  SessionRepository,
  UserEntity,
  UserRepository,
} from '@rentguy/identity/data-access';
import { AccessTokenIssuer } from './access-token.issuer';
import { AccountController, AdminUsersController } from './account.controller';
import { AccountService } from './account.service';
import { AdminUsersService } from './admin-users.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwksController } from './jwks.controller';
import { PasswordHasher } from './password.hasher';
import { PasswordResetService } from './password-reset.service';
import { SessionService } from './session.service';
import { UserEventsPublisher } from './user-events.publisher';

/**
 * Registration, login and sessions (`/v1/auth/*`), the caller's account (`/v1/me`), the admins'
 * user list and the JWKS. Needs `DatabaseModule.forRoot` with the identity schema and
 * `MessagingModule.forRoot` on that schema (its outbox).
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  controllers: [AuthController, AccountController, AdminUsersController, JwksController],
  providers: [
    AuthService,
    SessionService,
    AccountService,
    AdminUsersService,
    PasswordResetService,
    UserEventsPublisher,
    UserRepository,
    SessionRepository,
    PasswordResetRepository,
    PasswordHasher,
    AccessTokenIssuer,
  ],
  exports: [AccessTokenIssuer, PasswordResetService, UserRepository],
})
export class IdentityModule {}
