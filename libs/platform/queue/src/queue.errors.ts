/** Thrown at bootstrap when the app's workers must not start; lists every problem at once. */
export class WorkerBootError extends Error {
  constructor(readonly problems: string[]) {
    super(`Workers refused to start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'WorkerBootError';
  }
}

/** Thrown by `JobQueue.enqueue` for a payload the catalog's schema rejects: a bug in the producer. */
export class JobPayloadError extends Error {
  constructor(
    readonly queue: string,
    readonly job: string,
    readonly issues: string,
  ) {
    super(`Invalid payload for job "${job}" on queue "${queue}":\n${issues}`);
    this.name = 'JobPayloadError';
  }
}
