import { PeriodicTask } from './periodic.task';

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('PeriodicTask', () => {
  const logger = { error: jest.fn() };
  let task: PeriodicTask | undefined;

  beforeEach(() => {
    jest.useFakeTimers();
    logger.error.mockReset();
  });

  afterEach(async () => {
    await task?.stop();
    task = undefined;
    jest.useRealTimers();
  });

  it('runs the work once per interval after start', async () => {
    const work = jest.fn(() => Promise.resolve());
    task = new PeriodicTask('sweep', 100, work, logger);
    task.start();

    await jest.advanceTimersByTimeAsync(99);
    expect(work).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(work).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(200);
    expect(work).toHaveBeenCalledTimes(3);
  });

  it('never starts a run while the previous one is still running', async () => {
    const slow = deferred();
    let active = 0;
    let maxActive = 0;
    const work = jest.fn(async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await slow.promise;
      active -= 1;
    });
    task = new PeriodicTask('sweep', 100, work, logger);
    task.start();

    await jest.advanceTimersByTimeAsync(500);
    expect(work).toHaveBeenCalledTimes(1);
    expect(task.busy).toBe(true);

    slow.resolve();
    await jest.advanceTimersByTimeAsync(100);
    expect(work).toHaveBeenCalledTimes(2);
    expect(maxActive).toBe(1);
  });

  it('never runs when the interval is 0', async () => {
    const work = jest.fn(() => Promise.resolve());
    task = new PeriodicTask('sweep', 0, work, logger);
    task.start();

    await jest.advanceTimersByTimeAsync(60_000);
    expect(work).not.toHaveBeenCalled();
  });

  it('stop waits for the run in progress and prevents further runs', async () => {
    const slow = deferred();
    let finished = false;
    const work = jest.fn(async () => {
      await slow.promise;
      finished = true;
    });
    task = new PeriodicTask('sweep', 100, work, logger);
    task.start();
    await jest.advanceTimersByTimeAsync(100);
    expect(work).toHaveBeenCalledTimes(1);

    let stopped = false;
    const stopping = task.stop().then(() => {
      stopped = true;
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);

    slow.resolve();
    await stopping;
    expect(finished).toBe(true);

    await jest.advanceTimersByTimeAsync(1_000);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('logs a failed run and runs again on the next tick', async () => {
    const work = jest
      .fn<Promise<void>, []>()
      .mockRejectedValueOnce(new Error('database down'))
      .mockResolvedValue(undefined);
    task = new PeriodicTask('hold expiry sweep', 100, work, logger);
    task.start();

    await jest.advanceTimersByTimeAsync(100);
    expect(logger.error).toHaveBeenCalledWith('hold expiry sweep failed: database down');

    await jest.advanceTimersByTimeAsync(100);
    expect(work).toHaveBeenCalledTimes(2);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('run() joins the run in progress and hands its result (or error) to the caller', async () => {
    const slow = deferred();
    const work = jest.fn(async () => {
      await slow.promise;
      return 42;
    });
    const numbers = new PeriodicTask<number>('sweep', 0, work, logger);

    const first = numbers.run();
    const second = numbers.run(() => Promise.resolve(7));
    slow.resolve();
    await expect(Promise.all([first, second])).resolves.toEqual([42, 42]);
    expect(work).toHaveBeenCalledTimes(1);

    await expect(numbers.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(logger.error).not.toHaveBeenCalled();
    await expect(numbers.run()).resolves.toBe(42);
  });
});
