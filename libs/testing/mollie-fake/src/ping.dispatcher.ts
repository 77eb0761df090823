import { describeError } from '@rentguy/platform/errors';
import type { PingDelivery } from './fake-mollie.model';

export interface PingRetryOptions {
  /** Tries per ping, the first included. 4 by default. */
  attempts?: number;
  /** Wait before the first retry, doubled before each next one. 100 ms by default. */
  backoffMs?: number;
  /** How long one try waits for an answer. 10 000 ms by default. */
  timeoutMs?: number;
}

/**
 * Pings webhook URLs the way Mollie does: `POST` with the form body `id=tr_…` and nothing else (no
 * signature: the receiver must fetch the payment to learn what happened), retried with backoff
 * on anything but 2xx. Every try is recorded.
 */
export class PingDispatcher {
  readonly deliveries: PingDelivery[] = [];
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();

  constructor(retry: PingRetryOptions = {}) {
    this.attempts = Math.max(1, retry.attempts ?? 4);
    this.backoffMs = retry.backoffMs ?? 100;
    this.timeoutMs = retry.timeoutMs ?? 10_000;
  }

  /** Resolves once the ping was answered 2xx or its retries ran out; never rejects. */
  ping(url: string, paymentId: string): Promise<PingDelivery[]> {
    const work = this.deliver(url, paymentId);
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  async settled(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  reset(): void {
    this.deliveries.length = 0;
  }

  close(): void {
    this.abort.abort();
  }

  private async deliver(url: string, paymentId: string): Promise<PingDelivery[]> {
    const tries: PingDelivery[] = [];
    for (let attempt = 1; attempt <= this.attempts && !this.abort.signal.aborted; attempt += 1) {
      const delivery: PingDelivery = { paymentId, url, attempt, status: null, at: new Date().toISOString() };
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'user-agent': 'Mollie.nl HTTP client/1.0',
          },
          body: new URLSearchParams({ id: paymentId }).toString(),
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.timeoutMs)]),
        });
        await response.arrayBuffer();
        delivery.status = response.status;
      } catch (error) {
        delivery.error = describeError(error);
      }
      this.deliveries.push(delivery);
      tries.push(delivery);
      if (delivery.status !== null && delivery.status >= 200 && delivery.status < 300) {
        break;
      }
      if (attempt < this.attempts) {
        await new Promise((resolve) => setTimeout(resolve, this.backoffMs * 2 ** (attempt - 1)));
      }
    }
    return tries;
  }
}
