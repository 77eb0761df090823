import { createHash, generateKeyPairSync } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { AccessTokenVerifier } from '@rentguy/platform/http';
import { AccessTokenIssuer } from './access-token.issuer';
import { AuthService } from './auth.service';
import { PasswordHasher } from './password.hasher';
import { SessionService } from './session.service';
import type { UserEventsPublisher } from './user-events.publisher';
import type { TransactionRunner } from '@rentguy/platform/database';
import type {
  NewSession,
  NewUser,
  SessionRepository,
  User,
  UserRepository,
} from '@rentguy/identity/data-access';

/** Stands in for the users table: same contract (null on a taken email), no business rules. */
class InMemoryUsers {
  readonly rows = new Map<string, User>();

  async insert(_tx: unknown, user: NewUser): Promise<User | null> {
    if ([...this.rows.values()].some((u) => u.email === user.email)) {
      return null;
    }
    const row = { ...user, createdAt: new Date(), updatedAt: new Date() };
    this.rows.set(user.id, row);
    return row;
  }

  async findByEmail(email: string): Promise<User | null> {
    return [...this.rows.values()].find((u) => u.email === email) ?? null;
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    const row = this.rows.get(id);
    if (row) {
      row.passwordHash = passwordHash;
    }
  }
}

/** Records the events identity would write to its outbox (the outbox itself is covered in auth.int-spec). */
class RecordedEvents {
  readonly announced: User[] = [];

  async registered(_tx: unknown, user: User): Promise<void> {
    this.announced.push(user);
  }
}

/** Records the sessions login opens; rotation is covered against PostgreSQL in auth.int-spec. */
class RecordedSessions {
  readonly created: NewSession[] = [];

  async create(session: NewSession): Promise<void> {
    this.created.push(session);
  }
}

const pair = generateKeyPairSync('ed25519');
const x = String(pair.publicKey.export({ format: 'jwk' }).x);
const http = {
  PORT: 0,
  BODY_LIMIT_BYTES: 1_048_576,
  JWT_PUBLIC_KEYS: [
    {
      kty: 'OKP' as const,
      crv: 'Ed25519' as const,
      x,
      kid: 'k1',
      alg: 'EdDSA' as const,
      use: 'sig' as const,
    },
  ],
  SERVICE_TOKENS: [],
  JWT_ISSUER: 'rentguy',
};
const signingKey = {
  kty: 'OKP' as const,
  crv: 'Ed25519' as const,
  x,
  d: String(pair.privateKey.export({ format: 'jwk' }).d),
  kid: 'k1',
};

function setup(): {
  auth: AuthService;
  users: InMemoryUsers;
  passwords: PasswordHasher;
  sessions: RecordedSessions;
  events: RecordedEvents;
} {
  const users = new InMemoryUsers();
  const sessions = new RecordedSessions();
  const events = new RecordedEvents();
  const passwords = new PasswordHasher();
  passwords.onModuleInit();
  const identity = {
    JWT_SIGNING_KEY: signingKey,
    JWT_TTL_SECONDS: 600,
    REFRESH_TTL_DAYS: 30,
    PASSWORD_RESET_TTL_MINUTES: 30,
  };
  const tokens = new AccessTokenIssuer(http, identity);
  const auth = new AuthService(
    users as unknown as UserRepository,
    passwords,
    tokens,
    new SessionService(
      sessions as unknown as SessionRepository,
      users as unknown as UserRepository,
      tokens,
      identity,
    ),
    { run: (work: (tx: unknown) => Promise<unknown>) => work({}) } as unknown as TransactionRunner,
    events as unknown as UserEventsPublisher,
  );
  return { auth, users, passwords, sessions, events };
}

async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('AuthService', () => {
  const registration = {
    email: 'Ann@Example.com',
    password: 'correct horse battery',
    name: 'Ann',
    role: 'guest' as const,
    locale: 'en' as const,
  };

  it('registers with the email lowercased and returns a token for the new user', async () => {
    const { auth, users, events } = setup();

    const result = await auth.register(registration);

    expect(result.user).toEqual({ id: expect.any(String), email: 'ann@example.com', role: 'guest' });
    expect(events.announced.map((u) => u.id)).toEqual([result.user.id]);
    expect([...users.rows.values()][0]?.passwordHash).toMatch(/^\$argon2id\$/);
    const principal = await new AccessTokenVerifier(http).verify(result.accessToken);
    expect(principal).toEqual({ id: result.user.id, email: 'ann@example.com', name: 'Ann', role: 'guest' });
  });

  it('refuses a second account whose email differs only in case', async () => {
    const { auth } = setup();
    await auth.register(registration);

    const error = await errorOf(auth.register({ ...registration, email: 'ANN@example.com' }));

    expect(error.code).toBe(ErrorCode.EmailTaken);
  });

  it('logs in case-insensitively with a bearer token and opens a session with a hashed refresh token', async () => {
    const { auth, sessions } = setup();
    const { user } = await auth.register(registration);

    const result = await auth.login(
      { email: 'aNN@example.COM', password: 'correct horse battery' },
      'jest/1',
    );

    expect(result).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: 600,
    });
    const [session] = sessions.created;
    expect(session).toMatchObject({ userId: user.id, userAgent: 'jest/1' });
    expect(session?.tokenHash).toEqual(createHash('sha256').update(result.refreshToken).digest());
    const days = ((session?.expiresAt.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThanOrEqual(30);
  });

  it('answers a wrong password and an unknown email identically, after a verification either way', async () => {
    const { auth, passwords } = setup();
    await auth.register(registration);
    const dummy = jest.spyOn(passwords, 'verifyDummy');

    const wrong = await errorOf(auth.login({ email: 'ann@example.com', password: 'wrong horse battery' }));
    expect(dummy).not.toHaveBeenCalled();
    const unknown = await errorOf(
      auth.login({ email: 'bob@example.com', password: 'correct horse battery' }),
    );
    expect(dummy).toHaveBeenCalledTimes(1);

    expect([wrong.code, wrong.message]).toEqual([ErrorCode.InvalidCredentials, 'invalid email or password']);
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
  });

  it('upgrades a hash made with older parameters on a successful login', async () => {
    const { auth, users } = setup();
    const { user } = await auth.register(registration);
    const weak = await hash('correct horse battery', { memoryCost: 4096, timeCost: 1 });
    await users.updatePasswordHash(user.id, weak);

    await auth.login({ email: 'ann@example.com', password: 'correct horse battery' });

    expect(users.rows.get(user.id)?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});
