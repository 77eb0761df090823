import { WriteBatcher } from './write-batcher';

/** A batch function whose batches finish only when the test lets them. */
function controlledRun() {
  const batches: number[][] = [];
  const finishers: (() => void)[] = [];
  let running = 0;
  let mostRunning = 0;
  const run = async (items: readonly number[]) => {
    batches.push([...items]);
    running += 1;
    mostRunning = Math.max(mostRunning, running);
    await new Promise<void>((resolve) => finishers.push(resolve));
    running -= 1;
    return items.map((item) => item * 10);
  };
  return {
    run,
    batches,
    finishNext: () => finishers.shift()?.(),
    get mostRunning() {
      return mostRunning;
    },
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('WriteBatcher', () => {
  it('sends a lone write at the end of the turn, and the writes of one turn together', async () => {
    const run = jest.fn(async (items: readonly number[]) => items.map((item) => item + 1));
    const batcher = new WriteBatcher(run, { maxBatchSize: 100, maxInFlight: 2 });

    await expect(batcher.write(1)).resolves.toBe(2);
    await expect(Promise.all([batcher.write(5), batcher.write(6), batcher.write(7)])).resolves.toEqual([
      6, 7, 8,
    ]);

    expect(run.mock.calls.map(([items]) => items)).toEqual([[1], [5, 6, 7]]);
  });

  it('gathers the writes made while every slot is busy into the next batch', async () => {
    const control = controlledRun();
    const batcher = new WriteBatcher(control.run, { maxBatchSize: 100, maxInFlight: 1 });

    const first = batcher.write(1);
    await turn();
    const waiting = [2, 3, 4].map((item) => batcher.write(item));
    await turn();
    expect(control.batches).toEqual([[1]]);

    control.finishNext();
    await expect(first).resolves.toBe(10);
    await turn();
    expect(control.batches).toEqual([[1], [2, 3, 4]]);
    control.finishNext();
    await expect(Promise.all(waiting)).resolves.toEqual([20, 30, 40]);
    expect(control.mostRunning).toBe(1);
  });

  it('never runs more batches at once than allowed, and splits at the batch size', async () => {
    const control = controlledRun();
    const batcher = new WriteBatcher(control.run, { maxBatchSize: 3, maxInFlight: 2 });

    const all = Array.from({ length: 10 }, (_, item) => batcher.write(item));
    for (let i = 0; i < 10; i += 1) {
      await turn();
      control.finishNext();
    }
    await expect(Promise.all(all)).resolves.toEqual(Array.from({ length: 10 }, (_, item) => item * 10));

    expect(control.batches).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect(control.mostRunning).toBe(2);
  });

  it('fails one item alone when the batch answers it with an Error, every item when the batch throws', async () => {
    const perItem = new WriteBatcher(
      async (items: readonly number[]) => items.map((item) => (item === 2 ? new Error('two') : item)),
      { maxBatchSize: 10, maxInFlight: 1 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((item) => perItem.write(item)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);

    const throwing = new WriteBatcher(
      async (): Promise<number[]> => {
        throw new Error('database down');
      },
      { maxBatchSize: 10, maxInFlight: 1 },
    );
    const failed = await Promise.allSettled([1, 2].map((item) => throwing.write(item)));
    expect(failed).toEqual([
      { status: 'rejected', reason: new Error('database down') },
      { status: 'rejected', reason: new Error('database down') },
    ]);
    // The slot was given back: the batcher still works.
    const recovering = new WriteBatcher(
      jest
        .fn<Promise<number[]>, [readonly number[]]>()
        .mockRejectedValueOnce(new Error('once'))
        .mockImplementation(async (items) => [...items]),
      { maxBatchSize: 10, maxInFlight: 1 },
    );
    await expect(recovering.write(1)).rejects.toThrow('once');
    await expect(recovering.write(2)).resolves.toBe(2);
  });
});
