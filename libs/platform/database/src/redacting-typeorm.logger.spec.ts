import { Logger } from '@nestjs/common';
import { RedactingTypeOrmLogger } from './redacting-typeorm.logger';

describe('RedactingTypeOrmLogger', () => {
  it('logs a failed statement without its parameters', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const logger = new RedactingTypeOrmLogger();
    const parameters = ['ada@example.com', '$argon2id$v=19$secret-hash'];
    (logger.logQueryError as (e: string, q: string, p: unknown[]) => void)(
      'duplicate key value violates unique constraint',
      'INSERT INTO identity.users (email, password_hash)\n VALUES ($1, $2)',
      parameters,
    );
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0][0]);
    expect(line).toContain('duplicate key value');
    expect(line).toContain('INSERT INTO identity.users (email, password_hash) VALUES ($1, $2)');
    expect(line).not.toContain('ada@example.com');
    expect(line).not.toContain('argon2id');
    warn.mockRestore();
  });
});
