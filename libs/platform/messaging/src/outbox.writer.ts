import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventData, EventEnvelope, EventType } from '@rentguy/contracts';
import { TYPE_HEADER, traceHeaders } from './event-headers';
import { buildEnvelope, eventTopic } from './event-envelope';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options';
import { OutboxRepository } from './outbox.repository';

/** Thrown when an event is added outside a transaction: it would commit apart from the state change. */
export class OutboxTransactionError extends Error {
  constructor(type: string) {
    super(`outbox event "${type}" must be added with the EntityManager of an open transaction`);
    this.name = 'OutboxTransactionError';
  }
}

/**
 * Writes events into the service's outbox in the caller's transaction; the relay publishes them
 * after commit. Nothing is published for a transaction that rolls back.
 */
@Injectable()
export class OutboxWriter {
  private readonly outbox: OutboxRepository;
  private readonly topicPrefix: string;

  constructor(@Inject(MESSAGING_OPTIONS) options: ResolvedMessagingOptions) {
    this.outbox = new OutboxRepository(options.schema);
    this.topicPrefix = options.topicPrefix;
  }

  /**
   * Validates `data` against the event catalog, builds the envelope (keyed by `aggregateId`, so one
   * aggregate's events stay ordered) with the active trace context in its headers, and inserts it
   * with `manager`, which must belong to an open transaction. Returns the envelope.
   *
   * Events are published in outbox-id order, so one aggregate's events keep the order of the
   * transactions that wrote them as long as those transactions serialise on the aggregate (lock its
   * row before changing it, as any read-modify-write must).
   *
   * @throws EventValidationError when `data` does not satisfy the catalog schema
   * @throws OutboxTransactionError when `manager` is not inside a transaction
   */
  async add<T extends EventType>(
    manager: EntityManager,
    type: T,
    aggregateId: string,
    data: EventData<T>,
  ): Promise<EventEnvelope<T>> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new OutboxTransactionError(type);
    }
    const envelope = buildEnvelope(type, aggregateId, data);
    await this.outbox.insert(manager, {
      eventId: envelope.id,
      topic: eventTopic(type, this.topicPrefix),
      key: aggregateId,
      type,
      payload: JSON.stringify(envelope),
      headers: { ...traceHeaders(), [TYPE_HEADER]: type },
    });
    return envelope;
  }
}
