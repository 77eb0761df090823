import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { QueueName } from '@rentguy/contracts';
import { ReadinessRegistry } from '@rentguy/platform/health';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { Queue } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import { Redis, type RedisOptions } from 'ioredis';
import type { QueueJobDefaults } from './job-options';
import type { ResolvedQueueOptions } from './queue.options';
import { withTimeout } from './with-timeout';
import { describeError } from '@rentguy/platform/errors';

export const RESOLVED_QUEUE_OPTIONS = Symbol('RESOLVED_QUEUE_OPTIONS');

const TRACER_NAME = '@rentguy/platform/queue';
const PING_TIMEOUT_MS = 1_000;
const DEPTH_TIMEOUT_MS = 1_000;
const EVICTION_CHECK_TIMEOUT_MS = 5_000;
const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Owns this library's Redis side: the one producer connection shared by every queue of the app, the
 * BullMQ `Queue` objects, the worker connections' settings, the `redis` readiness check and the
 * `queue_depth` gauge. Internal: the app talks to JobQueue, WorkerHost and QueueInspector.
 */
@Injectable()
export class QueueRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Queue');
  /** W3C trace context travels in the job options, and workers continue the producer's trace. */
  readonly telemetry = new BullMQOtel({ tracerName: TRACER_NAME });
  private readonly queues = new Map<QueueName, Queue>();
  private connection?: Redis;
  private evictionCheck?: Promise<void>;

  constructor(
    @Inject(RESOLVED_QUEUE_OPTIONS) readonly options: ResolvedQueueOptions,
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: MetricsRegistry,
  ) {}

  onModuleInit(): void {
    // Producers fail fast (one retry) instead of stalling a request while Redis is away; callers
    // such as the outbox relay retry on their own.
    const connection = this.createConnection('producer', { maxRetriesPerRequest: 1 });
    this.connection = connection;
    for (const name of this.options.queues) {
      const queue = new Queue(name, { connection, prefix: this.options.prefix, telemetry: this.telemetry });
      queue.on('error', (error) => this.logger.error(`queue "${name}": ${error.message}`));
      this.queues.set(name, queue);
    }
    this.readiness.register('redis', () => withTimeout(connection.ping(), PING_TIMEOUT_MS, 'redis PING'));
    this.evictionCheck = this.warnUnlessNoEviction();
    this.registerDepthGauge();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.evictionCheck;
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  /** The BullMQ queue of `name`; throws when the app did not list it in `QueueModule.forRoot`. */
  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) {
      throw new Error(
        this.connection
          ? `Queue "${name}" is not registered: add it to QueueModule.forRoot({ queues })`
          : 'QueueModule is not initialised yet (call app.init())',
      );
    }
    return queue;
  }

  has(name: QueueName): boolean {
    return this.queues.has(name);
  }

  entries(): [QueueName, Queue][] {
    return [...this.queues.entries()];
  }

  jobDefaults(name: QueueName): QueueJobDefaults {
    const defaults = this.options.jobDefaults.get(name);
    if (!defaults) {
      throw new Error(`Queue "${name}" is not registered: add it to QueueModule.forRoot({ queues })`);
    }
    return defaults;
  }

  /** A dedicated connection for one worker: BullMQ's blocking commands require no per-request retry limit. */
  createWorkerConnection(queue: QueueName): Redis {
    return this.createConnection(`worker:${queue}`, { maxRetriesPerRequest: null });
  }

  private createConnection(role: string, options: RedisOptions): Redis {
    const connection = new Redis(this.options.redisUrl, {
      ...options,
      connectionName: `${this.options.prefix}:${role}`,
    });
    // Without a listener ioredis prints every reconnect error as "Unhandled error event".
    connection.on('error', (error: Error) => this.logger.warn(`redis (${role}): ${error.message}`));
    return connection;
  }

  /** BullMQ silently loses jobs when Redis evicts keys (docs/architecture.md#queues-and-jobs). */
  private async warnUnlessNoEviction(): Promise<void> {
    try {
      const queues = [...this.queues.values()];
      await withTimeout(
        Promise.all(queues.map((q) => q.waitUntilReady())),
        EVICTION_CHECK_TIMEOUT_MS,
        'redis connect',
      );
      // INFO works where managed Redis disables CONFIG GET.
      const info = await withTimeout(
        this.connection?.info('memory') ?? Promise.resolve(''),
        PING_TIMEOUT_MS,
        'redis INFO',
      );
      const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
      if (policy && policy !== 'noeviction') {
        this.logger.warn(
          `Redis maxmemory-policy is "${policy}": queued jobs can be evicted. Run the queue Redis with "noeviction".`,
        );
      }
    } catch (error) {
      this.logger.warn(`could not check Redis maxmemory-policy: ${describeError(error)}`);
    }
  }

  private registerDepthGauge(): void {
    const queues = this.queues;
    this.metrics.gauge({
      name: 'queue_depth',
      help: 'Jobs per queue and state (waiting, active, delayed, failed)',
      labelNames: ['queue', 'state'],
      async collect() {
        await Promise.all(
          [...queues].map(async ([name, queue]) => {
            try {
              const counts = await withTimeout(
                queue.getJobCounts(...DEPTH_STATES),
                DEPTH_TIMEOUT_MS,
                'getJobCounts',
              );
              for (const state of DEPTH_STATES) {
                this.set({ queue: name, state }, counts[state] ?? 0);
              }
            } catch {
              // Keep the last values: the redis readiness check reports the outage.
            }
          }),
        );
      },
    });
  }
}
