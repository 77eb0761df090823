import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type ConsumerConfig,
  type ITopicConfig,
  type LogEntry,
  type Producer,
  type ProducerConfig,
  type RetryOptions,
} from 'kafkajs';

// The rest of the library names kafkajs types through this file only, so that a KafkaJS-compatible
// client can replace kafkajs by changing one file.
export type {
  Admin as KafkaAdmin,
  Consumer as KafkaConsumer,
  EachMessagePayload as KafkaEachMessagePayload,
  IHeaders as KafkaHeaders,
  KafkaMessage,
  Message as KafkaOutgoingMessage,
  Producer as KafkaProducer,
} from 'kafkajs';

export interface KafkaClientOptions {
  clientId: string;
  /** `host:port` pairs. */
  brokers: string[];
}

/**
 * Request retries: long enough to ride out a leader election or a broker restart, short enough
 * that a caller with its own recovery loop (the outbox relay) gets control back within seconds.
 */
const REQUEST_RETRY: RetryOptions = { initialRetryTime: 300, maxRetryTime: 5_000, retries: 5 };

/**
 * kafkajs warns about this on every idempotent producer with bounded retries. The relay bounds them
 * on purpose: it re-sends from the outbox table itself, and a send blocked forever would hold the
 * outbox transaction open for the whole outage.
 */
const SUPPRESSED_MESSAGES = new Set([
  'Limiting retries for the idempotent producer may invalidate EoS guarantees',
]);

/** Fields of a kafkajs log entry that are noise in our logs (we have our own timestamps). */
const DROPPED_FIELDS = new Set(['timestamp', 'logger', 'stack', 'message']);

/** Bridges kafkajs logs (WARN and above) into the Nest logger, which the app has pointed at pino. */
export function kafkaLogCreator(logger: Pick<Logger, 'error' | 'warn' | 'log' | 'debug'>) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      if (SUPPRESSED_MESSAGES.has(log.message)) {
        return;
      }
      const extra = Object.fromEntries(Object.entries(log).filter(([key]) => !DROPPED_FIELDS.has(key)));
      const details = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
      const text = `${namespace ? `[${namespace}] ` : ''}${log.message}${details}`;
      switch (level) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          logger.error(text);
          return;
        case logLevel.WARN:
          logger.warn(text);
          return;
        case logLevel.INFO:
          logger.log(text);
          return;
        case logLevel.DEBUG:
          logger.debug(text);
          return;
      }
    };
}

/**
 * The one place that talks to kafkajs: builds producers, consumers and admins with the platform's
 * settings, creates topics idempotently and answers the readiness probe.
 */
export class KafkaClient implements OnApplicationShutdown {
  private readonly kafka: Kafka;
  private admin?: Promise<Admin>;
  private probe?: Promise<Admin>;

  constructor(readonly options: KafkaClientOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      retry: REQUEST_RETRY,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(new Logger('Kafka')),
    });
  }

  /** A plain producer (Java-compatible murmur2 partitioning, so keys land where other clients put them). */
  producer(config: ProducerConfig = {}): Producer {
    return this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config });
  }

  /**
   * The idempotent producer: the broker drops retried duplicates, and one in-flight request keeps
   * a partition's order. Topics are never auto-created (they are created explicitly, with the
   * intended partition count).
   */
  idempotentProducer(): Producer {
    return this.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: REQUEST_RETRY,
    });
  }

  consumer(config: ConsumerConfig): Consumer {
    return this.kafka.consumer(config);
  }

  /** Creates the topics that do not exist yet and waits for their leaders; safe to call concurrently. */
  async ensureTopics(topics: ITopicConfig[]): Promise<void> {
    await this.withAdmin(async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter(({ topic }) => !existing.has(topic));
      // One at a time: kafkajs skips waiting for leaders when any topic in a request already exists.
      for (const topic of missing) {
        await admin.createTopics({ topics: [topic], waitForLeaders: true });
      }
    });
  }

  listTopics(): Promise<string[]> {
    return this.withAdmin((admin) => admin.listTopics());
  }

  /** Low and high watermark of each partition of a topic. */
  topicOffsets(topic: string): Promise<{ partition: number; low: string; high: string }[]> {
    return this.withAdmin(async (admin) =>
      (await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high })),
    );
  }

  /** The offsets a consumer group has committed on a topic ("-1" where it has none). */
  groupOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]> {
    return this.withAdmin(async (admin) => {
      const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (result?.partitions ?? []).map(({ partition, offset }) => ({ partition, offset }));
    });
  }

  /**
   * Readiness: one cluster round trip on a reused admin connection, without retries, bounded by
   * `timeoutMs`. A failed probe drops the connection so the next one starts clean.
   */
  async ping(timeoutMs = 2_000): Promise<void> {
    this.probe ??= this.connectAdmin({ retries: 0 });
    try {
      const admin = await withTimeout(this.probe, timeoutMs, 'kafka connect');
      await withTimeout(admin.describeCluster(), timeoutMs, 'kafka describeCluster');
    } catch (error) {
      const probe = this.probe;
      this.probe = undefined;
      void probe?.then((admin) => admin.disconnect()).catch(() => undefined);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Disconnects the admin connections this client opened (producers and consumers belong to their owners). */
  async close(): Promise<void> {
    const admins = [this.admin, this.probe];
    this.admin = undefined;
    this.probe = undefined;
    await Promise.all(admins.map((admin) => admin?.then((a) => a.disconnect()).catch(() => undefined)));
  }

  /** Runs `fn` on the shared admin; a failure drops the connection so the next call starts clean. */
  private async withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const pending = (this.admin ??= this.connectAdmin(REQUEST_RETRY));
    try {
      return await fn(await pending);
    } catch (error) {
      if (this.admin === pending) {
        this.admin = undefined;
        void pending.then((admin) => admin.disconnect()).catch(() => undefined);
      }
      throw error;
    }
  }

  private async connectAdmin(retry: RetryOptions): Promise<Admin> {
    const admin = this.kafka.admin({ retry });
    try {
      await admin.connect();
      return admin;
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
