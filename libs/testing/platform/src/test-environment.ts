/**
 * Where the integration and end-to-end tests find PostgreSQL, Redis and Kafka: one set of variables,
 * with the local infrastructure (`npm run infra:up`) as defaults. The jest global setups
 * (tools/test) read the same ones to prepare that infrastructure. No imports: those setups load
 * this file before anything is built.
 *
 * | variable             | default                                           |
 * | -------------------- | ------------------------------------------------- |
 * | `TEST_DATABASE_URL`  | `postgres://postgres@127.0.0.1:5432/rentguy_test` |
 * | `TEST_REDIS_URL`     | `redis://127.0.0.1:6379`                          |
 * | `TEST_KAFKA_BROKERS` | `127.0.0.1:9092`                                  |
 */
/** The end-to-end suite's database, dropped and created again by its global setup on every run. */
export const E2E_DATABASE = 'rentguy_e2e';

export interface TestEnvironment {
  /** The integration tests' database (`TEST_DATABASE_URL`). */
  databaseUrl: string;
  /** `TEST_REDIS_URL`; tests keep apart by BullMQ key prefix, or by database index (`redisUrlFor`). */
  redisUrl: string;
  /** `TEST_KAFKA_BROKERS`, comma-separated `host:port`; tests keep apart by topic and group prefix. */
  kafkaBrokers: string[];
  /** Another database on the same server (the e2e suite starts from an empty one of its own). */
  databaseUrlFor(database: string): string;
  /** Another database index of the same Redis (the e2e apps use BullMQ's default key prefix). */
  redisUrlFor(index: number): string;
}

export function testEnvironment(env: Record<string, string | undefined> = process.env): TestEnvironment {
  const databaseUrl = env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/rentguy_test';
  const redisUrl = env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
  const kafkaBrokers = (env.TEST_KAFKA_BROKERS || '127.0.0.1:9092')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  return {
    databaseUrl,
    redisUrl,
    kafkaBrokers,
    databaseUrlFor: (database) => withPath(databaseUrl, database),
    redisUrlFor: (index) => withPath(redisUrl, String(index)),
  };
}

function withPath(url: string, path: string): string {
  const copy = new URL(url);
  copy.pathname = `/${encodeURIComponent(path)}`;
  return copy.href;
}
