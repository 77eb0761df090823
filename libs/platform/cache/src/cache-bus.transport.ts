import type { CreateBusDriverResult } from 'bentocache/types';
import type { Redis } from 'ioredis';

type Transport = ReturnType<CreateBusDriverResult['factory']>;
type Handler = Parameters<Transport['subscribe']>[1];

/**
 * The transport of bentocache's invalidation bus over Redis pub/sub, with the two connections set
 * apart: the publisher fails fast while Redis is away (bentocache awaits it on every write, and
 * keeps what failed in its retry queue), while the subscriber waits for Redis however long it takes
 * (its SUBSCRIBE must never fail: bentocache does not handle that, and an instance that missed it
 * would never hear another invalidation). Messages of this instance are not delivered back to it.
 * Shaped like @boringnode/bus's `Transport`, which `useBus` takes.
 */
export class CacheBusTransport implements Transport {
  private id = '';
  private readonly handlers = new Map<string, Handler>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
  ) {
    subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
  }

  setId(id: string): Transport {
    this.id = id;
    return this;
  }

  onReconnect(callback: () => void): void {
    this.subscriber.on('reconnecting', callback);
  }

  async publish(channel: string, payload: Parameters<Transport['publish']>[1]): Promise<void> {
    await this.publisher.publish(channel, JSON.stringify({ busId: this.id, payload }));
  }

  async subscribe<T>(channel: string, handler: (payload: T) => void): Promise<void> {
    this.handlers.set(channel, handler as Handler);
    await this.subscriber.subscribe(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.handlers.delete(channel);
    await this.subscriber.unsubscribe(channel);
  }

  async disconnect(): Promise<void> {
    await Promise.all(
      [this.publisher, this.subscriber].map((connection) =>
        connection.quit().catch(() => connection.disconnect()),
      ),
    );
  }

  private deliver(channel: string, message: string): void {
    const handler = this.handlers.get(channel);
    let decoded: { busId?: unknown; payload?: unknown };
    try {
      decoded = JSON.parse(message) as typeof decoded;
    } catch {
      return;
    }
    if (handler && decoded.busId !== this.id) {
      // bentocache's handler is synchronous; a failure in it must not become an unhandled rejection.
      void Promise.resolve(handler(decoded.payload as never)).catch(() => undefined);
    }
  }
}
