/** A stored result of a request made with an idempotency key. */
export interface IdempotentResult {
  method: string;
  path: string;
  /** The request's params in canonical form, to tell a true retry from a reused key. */
  params: string;
  status: number;
  body: string;
  requestId: string;
  savedAt: number;
}

/** Stripe prunes keys after 24 hours; a key reused later starts a new request. */
const keyLifetimeMs = 24 * 60 * 60 * 1000;

/** Idempotency keys are scoped to the account, which the fake identifies by its API key. */
export class IdempotencyStore {
  private readonly results = new Map<string, IdempotentResult>();

  find(apiKey: string, idempotencyKey: string): IdempotentResult | undefined {
    const id = this.id(apiKey, idempotencyKey);
    const result = this.results.get(id);
    if (result && Date.now() - result.savedAt > keyLifetimeMs) {
      this.results.delete(id);
      return undefined;
    }
    return result;
  }

  save(apiKey: string, idempotencyKey: string, result: IdempotentResult): void {
    this.results.set(this.id(apiKey, idempotencyKey), result);
  }

  clear(): void {
    this.results.clear();
  }

  private id(apiKey: string, idempotencyKey: string): string {
    return `${apiKey}\u0000${idempotencyKey}`;
  }
}
