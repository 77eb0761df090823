import Stripe from 'stripe';

import type { FakeStripeEvent, WebhookDelivery } from './fake-stripe.model';
import { stripeId } from './stripe-id.util';
import { describeError } from '@rentguy/platform/errors';

export interface WebhookRetryOptions {
  /** Tries per delivery, the first included. 4 by default. */
  attempts?: number;
  /** Wait before the first retry, doubled before each next one. 100 ms by default. */
  backoffMs?: number;
  /** How long one try waits for the endpoint to answer. 10 000 ms by default. */
  timeoutMs?: number;
}

export interface WebhookDispatcherOptions {
  url: string | undefined;
  secret: string;
  apiVersion: string;
  retry?: WebhookRetryOptions;
}

/** Where an event came from: the API request that caused it, or none for dashboard/test actions. */
export interface EventSource {
  requestId: string | null;
  idempotencyKey: string | null;
}

/**
 * Builds Stripe events and POSTs them to the webhook endpoint the way Stripe does: pretty-printed
 * JSON signed with the SDK's own `generateTestHeaderString`, retried with backoff on a non-2xx
 * answer or no answer. Every try is recorded.
 */
export class WebhookDispatcher {
  readonly events: FakeStripeEvent[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  url: string | undefined;
  private readonly secret: string;
  private readonly apiVersion: string;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Tries started per event, counted when a try starts so that concurrent redeliveries number apart. */
  private readonly triesByEvent = new Map<string, number>();
  private readonly abort = new AbortController();

  constructor(options: WebhookDispatcherOptions) {
    this.url = options.url;
    this.secret = options.secret;
    this.apiVersion = options.apiVersion;
    this.attempts = Math.max(1, options.retry?.attempts ?? 4);
    this.backoffMs = options.retry?.backoffMs ?? 100;
    this.timeoutMs = options.retry?.timeoutMs ?? 10_000;
  }

  /**
   * Records a new event and delivers it. Resolves, with the event, once delivery succeeded or the
   * retries ran out (see `deliveries`); never rejects, as Stripe's own delivery never fails the API call.
   */
  async publish<T extends object>(
    type: string,
    object: T,
    source?: EventSource,
  ): Promise<FakeStripeEvent<T>> {
    const event: FakeStripeEvent<T> = {
      id: stripeId('evt'),
      object: 'event',
      api_version: this.apiVersion,
      created: Math.floor(Date.now() / 1000),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: this.url ? 1 : 0,
      request: { id: source?.requestId ?? null, idempotency_key: source?.idempotencyKey ?? null },
      type,
    };
    this.events.push(event);
    await this.track(this.deliver(event, false));
    return event;
  }

  /** Sends a recorded event again, as Stripe does on a retry or a "Resend" from the dashboard. */
  async redeliver(eventId: string): Promise<WebhookDelivery[]> {
    const event = this.events.find((candidate) => candidate.id === eventId);
    if (!event) {
      throw new Error(`Fake Stripe has no event ${eventId}`);
    }
    if (!this.url) {
      throw new Error('Fake Stripe has no webhookUrl to redeliver to');
    }
    return this.track(this.deliver(event, true));
  }

  /** Resolves once every delivery under way, retries included, has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** Stops retrying (pending retries are dropped) and waits for tries already on the wire. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.settled();
  }

  reset(): void {
    this.events.length = 0;
    this.deliveries.length = 0;
    this.triesByEvent.clear();
  }

  private async track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  private async deliver(event: FakeStripeEvent, redelivery: boolean): Promise<WebhookDelivery[]> {
    const url = this.url;
    const attempts: WebhookDelivery[] = [];
    if (!url) {
      return attempts;
    }
    const payload = JSON.stringify(event, null, 2);
    for (let i = 0; i < this.attempts && !this.abort.signal.aborted; i += 1) {
      if (i > 0) {
        await sleep(this.backoffMs * 2 ** (i - 1), this.abort.signal);
        if (this.abort.signal.aborted) {
          break;
        }
      }
      const attempt = (this.triesByEvent.get(event.id) ?? 0) + 1;
      this.triesByEvent.set(event.id, attempt);
      const delivery = await this.tryOnce(url, event, payload, attempt, redelivery);
      this.deliveries.push(delivery);
      attempts.push(delivery);
      if (delivery.ok) {
        break;
      }
    }
    return attempts;
  }

  private async tryOnce(
    url: string,
    event: FakeStripeEvent,
    payload: string,
    attempt: number,
    redelivery: boolean,
  ): Promise<WebhookDelivery> {
    const sentAt = new Date();
    // Signed per try, as Stripe does: the timestamp in the header is the time of this try.
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: this.secret });
    const base = { eventId: event.id, eventType: event.type, attempt, url, redelivery, sentAt };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': signature,
        },
        body: payload,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // Drain the body so the connection is released; its content does not matter to Stripe.
      await response.arrayBuffer().catch(() => undefined);
      return { ...base, status: response.status, ok: response.ok, durationMs: Date.now() - sentAt.getTime() };
    } catch (error) {
      return {
        ...base,
        status: null,
        ok: false,
        error: describeError(error),
        durationMs: Date.now() - sentAt.getTime(),
      };
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
