import DataLoader from 'dataloader';

export interface WriteBatcherOptions {
  /** Most items one batch carries. */
  maxBatchSize: number;
  /** Most batches running at once; calls made meanwhile wait and go together in the next one. */
  maxInFlight: number;
}

/**
 * Group commit for writes made one at a time by concurrent callers (e.g. one per HTTP request):
 * while `maxInFlight` batches are running, new items gather, and go as one batch (one statement,
 * one commit) as soon as a batch finishes. An idle batcher sends at the end of the current
 * event-loop turn, so a lone write waits for nothing. `run` answers item for item, in order, a
 * result or an Error for that item alone; if it throws, every item of the batch gets the error.
 * DataLoader does the gathering, uncached: every item is a write of its own.
 */
export class WriteBatcher<I, O> {
  private readonly loader: DataLoader<I, O, I>;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    run: (items: readonly I[]) => Promise<readonly (O | Error)[]>,
    private readonly options: WriteBatcherOptions,
  ) {
    this.loader = new DataLoader<I, O, I>(
      async (items) => {
        try {
          return await run(items);
        } finally {
          this.release();
        }
      },
      {
        cache: false,
        maxBatchSize: options.maxBatchSize,
        batchScheduleFn: (dispatch) => this.schedule(dispatch),
      },
    );
  }

  write(item: I): Promise<O> {
    return this.loader.load(item);
  }

  private schedule(dispatch: () => void): void {
    if (this.inFlight < this.options.maxInFlight) {
      this.inFlight += 1;
      // After this turn's I/O callbacks: the writes they made join this batch.
      setImmediate(dispatch);
    } else {
      this.waiting.push(dispatch);
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      // The finished batch's slot passes straight to the next one.
      setImmediate(next);
    } else {
      this.inFlight -= 1;
    }
  }
}
