import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@rentguy/contracts';
import { decodeCursor, encodeCursor, toPage } from './page-cursor';

describe('page cursors', () => {
  const id = randomUUID();

  it('round-trips a key within its scope', () => {
    expect(decodeCursor('price_asc', 'integer', encodeCursor('price_asc', { value: 9_900, id }))).toEqual({
      value: 9_900,
      id,
    });
    const key = { value: '2027-03-10 12:00:00.123456+00', id };
    expect(decodeCursor('newest', 'timestamp', encodeCursor('newest', key))).toEqual(key);
  });

  it.each([
    ['garbage', 'price_asc', 'not base64 json'],
    ['a cursor of another order', 'price_asc', encodeCursor('price_desc', { value: 1, id })],
    ['a text key where a price belongs', 'price_asc', encodeCursor('price_asc', { value: 'x', id })],
    ['a key that is no timestamp', 'newest', encodeCursor('newest', { value: "now'); --", id })],
    [
      'a bad id',
      'price_asc',
      Buffer.from(JSON.stringify({ s: 'price_asc', v: 1, i: 'x' })).toString('base64url'),
    ],
  ])('refuses %s with 400 naming the cursor', (_name, scope, cursor) => {
    const kind = scope === 'newest' ? 'timestamp' : 'integer';
    expect(() => decodeCursor(scope, kind, cursor)).toThrow(
      expect.objectContaining({
        code: ErrorCode.ValidationFailed,
        details: { fields: [expect.objectContaining({ path: 'cursor' })] },
      }),
    );
  });

  it('gives a next cursor only when a row beyond the page was read', () => {
    const rows = [1, 2, 3].map((n) => ({ n, id: randomUUID() }));
    const key = (r: { n: number; id: string }) => ({ value: r.n, id: r.id });
    const full = toPage(rows, 2, 's', key, (r) => r.n);
    expect(full.items).toEqual([1, 2]);
    expect(decodeCursor('s', 'integer', full.nextCursor ?? '')).toEqual({ value: 2, id: rows[1]?.id });
    expect(toPage(rows, 3, 's', key, (r) => r.n)).toEqual({ items: [1, 2, 3], nextCursor: null });
  });
});
