import { dlqTopic } from '@rentguy/contracts';
import { decodeHeaders, redriveHeaders } from './event-headers';
import type { KafkaClient } from './kafka.client';

export interface RedriveOptions {
  /** The consumer group whose dead letters are redriven. */
  group: string;
  /** The physical source topic (prefix included); its DLQ is `<topic>.dlq.<group>`. */
  topic: string;
  /** At most this many messages (default: all that were in the DLQ when the redrive started). */
  max?: number;
  /** Gives up waiting after this long (default 30 s); what was redriven stays redriven. */
  timeoutMs?: number;
}

export interface RedriveResult {
  dlqTopic: string;
  redriven: number;
  /** False when `max` or the timeout stopped the redrive before the DLQ was drained. */
  complete: boolean;
}

/**
 * Republishes dead-lettered messages to their original topic, in DLQ order, with their original key,
 * value and headers (the dead-letter annotations removed). Progress is committed per message under
 * the group `<group>.dlq-redrive`, so a rerun continues where the last one stopped, and messages
 * dead-lettered again after a redrive are redriven by the next run. Redelivery is safe: consumers
 * deduplicate by event id (inbox), so groups that had already processed a message ignore it.
 */
export async function redriveDlq(kafka: KafkaClient, options: RedriveOptions): Promise<RedriveResult> {
  const source = dlqTopic(options.topic, options.group);
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const redriveGroup = `${options.group}.dlq-redrive`;
  if (max <= 0 || !(await kafka.listTopics()).includes(source)) {
    return { dlqTopic: source, redriven: 0, complete: max > 0 };
  }

  // Snapshot of what is in the DLQ now; messages dead-lettered during the redrive wait for the next run.
  const [watermarks, committed] = await Promise.all([
    kafka.topicOffsets(source),
    kafka.groupOffsets(redriveGroup, source),
  ]);
  const committedBy = new Map(committed.map(({ partition, offset }) => [partition, BigInt(offset)]));
  const pending = new Map<number, bigint>();
  for (const { partition, low, high } of watermarks) {
    const position = committedBy.get(partition) ?? -1n;
    const start = position >= 0n && position > BigInt(low) ? position : BigInt(low);
    if (start < BigInt(high)) {
      pending.set(partition, BigInt(high));
    }
  }
  if (pending.size === 0) {
    return { dlqTopic: source, redriven: 0, complete: true };
  }

  let redriven = 0;
  let finished = false;
  let finish!: () => void;
  const drained = new Promise<void>((resolve) => (finish = resolve));
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({
    groupId: redriveGroup,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [source], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const high = pending.get(partition);
        const offset = BigInt(message.offset);
        if (finished || high === undefined || offset >= high) {
          return; // not committed: left for the next run
        }
        await producer.send({
          topic: options.topic,
          acks: -1,
          messages: [
            {
              key: message.key,
              value: message.value,
              headers: redriveHeaders(decodeHeaders(message.headers)),
            },
          ],
        });
        await consumer.commitOffsets([{ topic: source, partition, offset: (offset + 1n).toString() }]);
        redriven += 1;
        if (offset + 1n >= high) {
          pending.delete(partition);
        }
        if (pending.size === 0 || redriven >= max) {
          finished = true;
          finish();
        }
      },
    });
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs ?? 30_000);
    });
    await Promise.race([drained, timeout]);
    finished = true;
    return { dlqTopic: source, redriven, complete: pending.size === 0 };
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}
