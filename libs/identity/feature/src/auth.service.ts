import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { TransactionRunner } from '@rentguy/platform/database';
import { UserRepository, type User } from '@rentguy/identity/data-access';
import { normalizeEmail } from '@rentguy/identity/domain';
import { AccessTokenIssuer } from './access-token.issuer';
import type { LoginDto, LoginResponse } from './login.dto';
import { PasswordHasher } from './password.hasher';
import { SessionService } from './session.service';
import type { RegisterDto, RegisterResponse } from './register.dto';
import { UserEventsPublisher } from './user-events.publisher';

const INVALID_CREDENTIALS = 'invalid email or password';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly passwords: PasswordHasher,
    private readonly tokens: AccessTokenIssuer,
    private readonly sessions: SessionService,
    private readonly transactions: TransactionRunner,
    private readonly events: UserEventsPublisher,
  ) {}

  /** Creates the account and announces it (`user.registered`, the welcome email) in one transaction. */
  async register(dto: RegisterDto): Promise<RegisterResponse> {
    const passwordHash = await this.passwords.hash(dto.password);
    const role = dto.role;
    const user = await this.transactions.run(async (tx) => {
      const inserted = await this.users.insert(tx, {
        id: randomUUID(),
        email: normalizeEmail(dto.email),
        passwordHash,
        name: dto.name,
        role,
        locale: dto.locale,
      });
      if (inserted) {
        await this.events.registered(tx, { ...inserted, role });
      }
      return inserted;
    });
    if (!user) {
      throw new DomainError(ErrorCode.EmailTaken, 'an account with this email already exists');
    }
    const { token } = await this.tokens.issue(principalOf(user));
    return { user: { id: user.id, email: user.email, role: user.role }, accessToken: token };
  }

  /** Checks the password and opens a session: an access token and the first refresh token. */
  async login(dto: LoginDto, userAgent?: string): Promise<LoginResponse> {
    const user = await this.users.findByEmail(normalizeEmail(dto.email));
    // Unknown accounts still pay for one verification, so timing does not reveal who is registered.
    const valid = user
      ? await this.passwords.verify(user.passwordHash, dto.password)
      : await this.passwords.verifyDummy(dto.password);
    if (!user || !valid) {
      throw new DomainError(ErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    }
    if (this.passwords.needsRehash(user.passwordHash)) {
      await this.users.updatePasswordHash(user.id, await this.passwords.hash(dto.password));
    }
    return this.sessions.start(user, userAgent);
  }
}

function principalOf(user: User): { id: string; email: string; name: string; role: User['role'] } {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
