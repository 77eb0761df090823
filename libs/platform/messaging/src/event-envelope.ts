import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  EventValidationError,
  eventCatalog,
  type EventData,
  type EventEnvelope,
  type EventType,
} from '@rentguy/contracts';

export interface EnvelopeOverrides {
  id?: string;
  now?: Date;
}

/**
 * A validated envelope for a new event: the payload must satisfy the catalog schema (a producer bug
 * fails the producer's transaction, never a consumer), and defaults of the schema are applied.
 */
export function buildEnvelope<T extends EventType>(
  type: T,
  aggregateId: string,
  data: EventData<T>,
  overrides: EnvelopeOverrides = {},
): EventEnvelope<T> {
  const entry = eventCatalog[type];
  if (!entry) {
    throw new EventValidationError(`unknown event type "${String(type)}"`);
  }
  if (!aggregateId) {
    throw new EventValidationError(`"${type}" needs an aggregate id`);
  }
  const parsed = entry.data.safeParse(data);
  if (!parsed.success) {
    throw new EventValidationError(`invalid "${type}" payload: ${z.prettifyError(parsed.error)}`);
  }
  return {
    id: overrides.id ?? randomUUID(),
    type,
    version: entry.version,
    occurredAt: (overrides.now ?? new Date()).toISOString(),
    aggregateId,
    data: parsed.data as EventData<T>,
  };
}

/** The topic an event type is published to, on this app's cluster. */
export function eventTopic(type: EventType, topicPrefix = ''): string {
  return `${topicPrefix}${eventCatalog[type].topic}`;
}
