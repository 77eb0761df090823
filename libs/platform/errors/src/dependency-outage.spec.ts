import { isDependencyOutage } from './dependency-outage';

const withProps = (message: string, props: Record<string, unknown>) =>
  Object.assign(new Error(message), props);

describe('isDependencyOutage', () => {
  it.each([
    ['a refused connection', withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['a reset socket', withProps('read ECONNRESET', { code: 'ECONNRESET' })],
    ['PostgreSQL shutting down (57P01)', withProps('terminating connection', { code: '57P01' })],
    ['a PostgreSQL connection failure (08006)', withProps('connection failure', { code: '08006' })],
    ['no free connection slot (53300)', withProps('too many clients', { code: '53300' })],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a TypeORM error around a driver outage', withProps('query failed', { driverError: { code: '57P03' } })],
    [
      'ioredis giving up',
      withProps('Reached the max retries per request limit', { name: 'MaxRetriesPerRequestError' }),
    ],
    ['kafkajs without a broker', withProps('Connection error', { name: 'KafkaJSConnectionError' })],
    [
      'an outage as the cause',
      new Error('could not publish', { cause: withProps('x', { code: 'ETIMEDOUT' }) }),
    ],
    [
      'an AggregateError of refused addresses',
      new AggregateError([withProps('x', { code: 'ECONNREFUSED' })]),
    ],
  ])('is true for %s', (_, error) => {
    expect(isDependencyOutage(error)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a unique violation (23505)', withProps('duplicate key', { code: '23505' })],
    ['a syntax error (42601)', withProps('syntax error', { driverError: { code: '42601' } })],
    ['not an error at all', 'boom'],
    ['null', null],
  ])('is false for %s', (_, error) => {
    expect(isDependencyOutage(error)).toBe(false);
  });
});
