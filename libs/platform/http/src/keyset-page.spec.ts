import { randomUUID } from 'node:crypto';
import { DomainError } from '@rentguy/contracts';
import { decodePageCursor, encodePageCursor, pageOf } from './keyset-page';

describe('keyset pages', () => {
  const key = { at: '2026-12-03 13:45:01.123456+00', id: randomUUID() };

  it('round-trips a cursor of its own list', () => {
    expect(decodePageCursor('audit', encodePageCursor('audit', key))).toEqual(key);
  });

  it.each([
    ['another list', encodePageCursor('deliveries', key)],
    ['garbage', 'not-a-cursor'],
    ['a bad time', encodePageCursor('audit', { ...key, at: 'yesterday' })],
    ['a bad id', Buffer.from(JSON.stringify({ s: 'audit', k: key.at, i: 'x' })).toString('base64url')],
  ])('refuses a cursor of %s with 400 naming cursor', (_, cursor) => {
    let error: unknown;
    try {
      decodePageCursor('audit', cursor);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).details).toEqual({ fields: [expect.objectContaining({ path: 'cursor' })] });
  });

  it('keeps `limit` rows and points the next cursor after the last one kept', () => {
    const rows = [1, 2, 3].map((n) => ({ n, at: `2026-12-0${n} 00:00:00+00`, id: randomUUID() }));
    const page = pageOf(
      rows,
      2,
      'audit',
      (r) => ({ at: r.at, id: r.id }),
      (r) => r.n,
    );
    expect(page.items).toEqual([1, 2]);
    expect(decodePageCursor('audit', String(page.nextCursor))).toEqual({ at: rows[1]?.at, id: rows[1]?.id });
    expect(
      pageOf(
        rows,
        3,
        'audit',
        (r) => ({ at: r.at, id: r.id }),
        (r) => r.n,
      ).nextCursor,
    ).toBeNull();
  });
});
