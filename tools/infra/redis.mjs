// Redis (a machine service, never started here): reachable, and with the eviction policy BullMQ needs.
import Redis from 'ioredis';
import { InfraError, describe, redact } from './config.mjs';

export async function ensureRedis({ redisUrl, logger }) {
  const redis = await connectRedis(redisUrl);
  try {
    await redis.ping();
    const warning = await ensureNoEviction(redis);
    if (warning) {
      logger.warn(`warning: redis ${warning}`);
    }
  } finally {
    redis.disconnect();
  }
  return { url: redact(new URL(redisUrl)), summary: `redis ready at ${redact(new URL(redisUrl))}` };
}

// BullMQ silently loses jobs if Redis may evict keys, so the queue Redis must use `noeviction`.
async function ensureNoEviction(redis) {
  let policy;
  try {
    [, policy] = await redis.config('GET', 'maxmemory-policy');
    if (policy === 'noeviction') {
      return null;
    }
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    return `maxmemory-policy was ${policy}, set to noeviction (runtime only; set it in redis.conf to keep it)`;
  } catch (err) {
    return `maxmemory-policy is ${policy ?? 'unknown'} and could not be set to noeviction (${err.message}); BullMQ needs noeviction`;
  }
}

export async function redisStatus({ redisUrl }) {
  const url = redact(new URL(redisUrl));
  try {
    const redis = await connectRedis(redisUrl);
    try {
      await redis.ping();
      const [, policy] = await redis.config('GET', 'maxmemory-policy').catch(() => []);
      const note =
        policy === 'noeviction' ? '' : ` (maxmemory-policy ${policy ?? 'unknown'}, BullMQ needs noeviction)`;
      return { up: true, line: `redis up at ${url}${note}` };
    } finally {
      redis.disconnect();
    }
  } catch (err) {
    return { up: false, line: `redis DOWN: ${err.message}` };
  }
}

async function connectRedis(redisUrl) {
  // One attempt, no reconnects and no offline queue: a down server must fail fast, not hang.
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // connect() only says "Connection is closed."; the cause arrives as an 'error' event.
  let cause;
  redis.on('error', (err) => {
    cause ??= err;
  });
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new InfraError(
      `Redis is not reachable at ${redact(new URL(redisUrl))} (${describe(cause ?? err)}). Start it (e.g. ` +
        '`sudo service redis-server start` or `redis-server --daemonize yes`) or set REDIS_URL.',
    );
  }
}
