import { isValidBlobKey } from './blob-key';

describe('isValidBlobKey', () => {
  it.each(['properties/p1/images/i1/original', 'a', 'a/b.c/d_e-f', 'w320.webp'])('accepts %s', (key) => {
    expect(isValidBlobKey(key)).toBe(true);
  });

  it.each([
    '',
    '../etc/passwd',
    'properties/../../etc',
    '/etc/passwd',
    'a//b',
    'a/./b',
    'a/',
    'A/b',
    'a/.meta',
    'a\\b',
    'a b',
    'x'.repeat(1025),
  ])('rejects %j', (key) => {
    expect(isValidBlobKey(key)).toBe(false);
  });
});
