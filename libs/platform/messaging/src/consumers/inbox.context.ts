import { BaseRpcContext } from '@nestjs/microservices';
import type { EventEnvelope, EventType } from '@rentguy/contracts';
import type { Tx } from '@rentguy/platform/database';

/** Where a consumed message came from. */
export interface MessageOrigin {
  topic: string;
  partition: number;
  offset: string;
  /** Decoded Kafka headers (`type`, W3C `traceparent`, …). */
  headers: Record<string, string>;
}

/**
 * What an event handler gets through `@Ctx()`: the open inbox transaction (`tx`) in which its effect
 * must be written, so that the effect and the inbox row commit together, and the message's origin.
 */
export class InboxContext<T extends EventType = EventType> extends BaseRpcContext<
  [EventEnvelope<T>, Tx, MessageOrigin]
> {
  /** The inbox transaction: pass it to repositories and the outbox writer untouched. */
  get tx(): Tx {
    return this.args[1];
  }

  get envelope(): EventEnvelope<T> {
    return this.args[0];
  }

  get origin(): MessageOrigin {
    return this.args[2];
  }
}
