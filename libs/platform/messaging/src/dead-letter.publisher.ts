import { dlqTopic } from '@rentguy/contracts';
import { deadLetterHeaders, type DeadLetterOrigin } from './event-headers';
import type { KafkaClient, KafkaProducer } from './kafka.client';

export interface DeadLetter {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  origin: DeadLetterOrigin;
}

/**
 * Sends messages a consumer group gave up on to `<topic>.dlq.<group>` (created on first use), with
 * the original key, value and headers plus the reason. Shared by all groups of one app.
 */
export class DeadLetterPublisher {
  private producer?: Promise<KafkaProducer>;
  private readonly ensured = new Set<string>();

  constructor(private readonly kafka: KafkaClient) {}

  /** Resolves once the broker has acknowledged the dead letter; returns the DLQ topic. */
  async publish(letter: DeadLetter): Promise<string> {
    const topic = dlqTopic(letter.origin.topic, letter.origin.group);
    if (!this.ensured.has(topic)) {
      await this.kafka.ensureTopics([{ topic }]);
      this.ensured.add(topic);
    }
    const producer = await this.connected();
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: letter.key, value: letter.value, headers: deadLetterHeaders(letter.headers, letter.origin) },
      ],
    });
    return topic;
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  private connected(): Promise<KafkaProducer> {
    const pending = (this.producer ??= (async () => {
      const producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    })());
    pending.catch(() => {
      if (this.producer === pending) {
        this.producer = undefined;
      }
    });
    return pending;
  }
}
