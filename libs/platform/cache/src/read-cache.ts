import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { BentoCache, bentostore, errors } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import { Redis, type RedisOptions } from 'ioredis';
import type { ConfigOf } from '@rentguy/platform/config';
import { describeError } from '@rentguy/platform/errors';
import { ReadinessRegistry } from '@rentguy/platform/health';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { CacheBusTransport } from './cache-bus.transport';
import type { cacheConfig } from './cache.config';

export const READ_CACHE_OPTIONS = Symbol('READ_CACHE_OPTIONS');

export interface ReadCacheOptions {
  /** Key prefix in Redis and on the bus: one per app (and per test run). */
  prefix: string;
  config: ConfigOf<typeof cacheConfig>;
}

export interface CachedRead<T> {
  /** Seconds the entry is served without asking the loader again. */
  ttlSeconds: number;
  /** Invalidating any of these drops the entry, on every instance; a function tags by the loaded value. */
  tags: readonly string[] | ((value: T) => readonly string[]);
}

/**
 * bentocache's own entries (`___bc:t:<tag>`: when a tag was last invalidated), looked up beside every
 * tagged read; they are not reads, so the metrics leave them out.
 */
const isBookkeeping = (key: string): boolean => key.startsWith('___bc:');

/** Longest a cache Redis command may take before the read goes to the loader instead. */
const COMMAND_TIMEOUT_MS = 250;
/** After an L2 failure, how long every instance skips Redis instead of waiting on it again. */
const CIRCUIT_BREAKER = '5s';

/**
 * Two-tier read-through cache (bentocache): an in-process LRU (L1) in front of Redis (L2), L1s kept
 * in step across instances over Redis pub/sub, one loader per key at a time (stampede protection),
 * TTLs and tags. The cache is never the source of truth: when Redis is away, reads fall through to
 * their loader (commands fail fast, then a circuit breaker skips Redis) and the app stays ready.
 * Keys are `<cache>:<id>`; `cache_requests_total{cache,tier,result}` counts lookups per tier.
 */
@Injectable()
export class ReadCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ReadCache');
  private readonly bento: BentoCache<{ reads: ReturnType<typeof bentostore> }>;
  private readonly l2: Redis;
  private readonly events = new EventEmitter();

  constructor(
    @Inject(READ_CACHE_OPTIONS) private readonly options: ReadCacheOptions,
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: MetricsRegistry,
  ) {
    // While Redis is away a command fails after one reconnect attempt instead of queueing, and a
    // hung Redis after the command timeout: the read goes to its loader (and the circuit breaker
    // skips L2 for a while). Commands sent before the first connect wait for it.
    const failFast: RedisOptions = { maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS };
    this.l2 = this.connection('l2', failFast);
    const bus = new CacheBusTransport(
      this.connection('bus-publisher', failFast),
      this.connection('bus-subscriber', { maxRetriesPerRequest: null }),
    );
    this.bento = new BentoCache({
      default: 'reads',
      prefix: options.prefix,
      emitter: this.events,
      suppressL2Errors: true,
      l2CircuitBreakerDuration: CIRCUIT_BREAKER,
      // Entries past their TTL are not served stale: a listing's price or availability is either current or reloaded.
      grace: false,
      stores: {
        reads: bentostore()
          .useL1Layer(
            memoryDriver({
              maxSize: options.config.CACHE_L1_MAX_MB * 1024 * 1024,
              // bentocache's default is 1,000 entries, far below what the megabytes allow.
              maxItems: options.config.CACHE_L1_MAX_ENTRIES,
            }),
          )
          .useL2Layer(redisDriver({ connection: this.l2 }))
          .useBus({ options: {}, factory: () => bus }),
      },
    });
  }

  onModuleInit(): void {
    const requests = this.metrics.counter({
      name: 'cache_requests_total',
      help: 'Read cache lookups by cache, tier (l1 in-process, l2 Redis) and result (hit, miss)',
      labelNames: ['cache', 'tier', 'result'],
    });
    const cacheOf = (key: string) => key.slice(0, key.indexOf(':')) || 'unknown';
    this.events.on('cache:hit', ({ key, layer }: { key: string; layer: 'l1' | 'l2' }) => {
      if (isBookkeeping(key)) {
        return;
      }
      const cache = cacheOf(key);
      if (layer === 'l2') {
        requests.inc({ cache, tier: 'l1', result: 'miss' });
      }
      requests.inc({ cache, tier: layer, result: 'hit' });
    });
    this.events.on('cache:miss', ({ key }: { key: string }) => {
      if (isBookkeeping(key)) {
        return;
      }
      const cache = cacheOf(key);
      requests.inc({ cache, tier: 'l1', result: 'miss' });
      requests.inc({ cache, tier: 'l2', result: 'miss' });
    });
    // Bounded by the connection's command timeout; reported, never required (reads fall through).
    this.readiness.register('cache-redis', () => this.l2.ping());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bento
      .disconnectAll()
      .catch((error: Error) => this.logger.warn(`cache disconnect: ${error.message}`));
  }

  /**
   * The cached value of `key`, or what `load` returns (then cached); concurrent misses share one
   * load. What `load` throws reaches the caller as it was thrown, and nothing is cached.
   */
  async getOrLoad<T>(key: string, load: () => Promise<T>, { ttlSeconds, tags }: CachedRead<T>): Promise<T> {
    try {
      return await this.bento.getOrSet<T>({
        key,
        // In milliseconds: a number spares bentocache parsing a duration string on every read.
        ttl: ttlSeconds * 1000,
        tags: typeof tags === 'function' ? [] : [...tags],
        factory: async (entry) => {
          const value = await load();
          if (typeof tags === 'function') {
            entry.setTags([...tags(value)]);
          }
          return value;
        },
      });
    } catch (error) {
      throw error instanceof errors.E_FACTORY_ERROR && error.cause !== undefined ? error.cause : error;
    }
  }

  /**
   * Drops every entry carrying one of `tags`, here and (over the bus) on every other instance. Called
   * after the change has committed, so it never fails the caller: when Redis is away the local L1
   * is still cleared, and other instances' entries age out within their TTL.
   */
  async invalidate(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) {
      return;
    }
    try {
      await this.bento.deleteByTag({ tags: [...tags] });
    } catch (error) {
      this.logger.warn(`cache invalidation of ${tags.join(', ')} not propagated: ${describeError(error)}`);
    }
  }

  private connection(role: string, options: RedisOptions): Redis {
    const connection = new Redis(this.options.config.CACHE_REDIS_URL, {
      ...options,
      connectionName: `${this.options.prefix}:cache-${role}`,
    });
    // Without a listener ioredis prints every reconnect error as "Unhandled error event".
    connection.on('error', (error: Error) => this.logger.warn(`cache redis (${role}): ${error.message}`));
    return connection;
  }
}
