import { QueryFailedError } from 'typeorm';
import { shouldRetryTransaction, TRANSACTION_MAX_ATTEMPTS } from './transaction.runner';
import { sqlStateOf } from './sql-state.util';

/** What TypeORM throws when PostgreSQL rejects a statement with `code`. */
function queryFailed(code: string): QueryFailedError {
  return new QueryFailedError('COMMIT', [], Object.assign(new Error('rejected'), { code }));
}

describe('shouldRetryTransaction', () => {
  it.each(['40P01', '40001'])('runs a transaction that failed with %s again', (code) => {
    expect(shouldRetryTransaction(queryFailed(code), 1)).toBe(true);
    expect(shouldRetryTransaction(queryFailed(code), TRANSACTION_MAX_ATTEMPTS - 1)).toBe(true);
  });

  it('gives up after the last attempt', () => {
    expect(TRANSACTION_MAX_ATTEMPTS).toBe(3);
    expect(shouldRetryTransaction(queryFailed('40P01'), TRANSACTION_MAX_ATTEMPTS)).toBe(false);
  });

  it.each([
    ['an exclusion violation', '23P01'],
    ['a unique violation', '23505'],
    ['a lock timeout', '55P03'],
    ['a query cancelled by statement_timeout', '57014'],
  ])('never retries %s (%s)', (_what, code) => {
    expect(shouldRetryTransaction(queryFailed(code), 1)).toBe(false);
  });

  it('never retries an error that did not come from PostgreSQL', () => {
    expect(shouldRetryTransaction(new Error('domain rule broken'), 1)).toBe(false);
    expect(shouldRetryTransaction(null, 1)).toBe(false);
    expect(shouldRetryTransaction('40P01', 1)).toBe(false);
  });
});

describe('sqlStateOf', () => {
  it('reads the SQLSTATE from a TypeORM error or a bare pg error', () => {
    expect(sqlStateOf(queryFailed('23P01'))).toBe('23P01');
    expect(sqlStateOf(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe('40P01');
  });

  it('is undefined for anything else', () => {
    expect(sqlStateOf(new Error('boom'))).toBeUndefined();
    expect(sqlStateOf(Object.assign(new Error('socket'), { code: 42 }))).toBeUndefined();
    expect(sqlStateOf(undefined)).toBeUndefined();
  });
});
