import { waitUntil } from './wait-until.util';

describe('waitUntil', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    const value = await waitUntil(
      () => {
        calls += 1;
        return calls >= 3 ? { calls } : undefined;
      },
      { intervalMs: 5 },
    );
    expect(value).toEqual({ calls: 3 });
  });

  it('keeps polling through errors and reports the last one on timeout', async () => {
    let calls = 0;
    const waiting = waitUntil(
      async () => {
        calls += 1;
        throw new Error(`not ready (${calls})`);
      },
      { timeoutMs: 100, intervalMs: 10, description: 'the booking to be confirmed' },
    );
    await expect(waiting).rejects.toThrow(
      /^Timed out after 100 ms waiting for the booking to be confirmed \(\d+ attempts; last error: Error: not ready \(\d+\)\)$/,
    );
    expect(calls).toBeGreaterThan(1);
  });

  it('reports the last falsy value when the check never errored', async () => {
    await expect(waitUntil(() => 0, { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      /waiting for condition .*last value: 0/,
    );
  });

  it('does not wait past the deadline for a check that hangs', async () => {
    const started = Date.now();
    const hang = (): Promise<boolean> => new Promise(() => undefined);
    await expect(waitUntil(hang, { timeoutMs: 50, description: 'a hung check' })).rejects.toThrow(
      'Timed out after 50 ms waiting for a hung check (1 attempt; the last check was still running)',
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
