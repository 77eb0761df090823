import { asError, describeError } from './describe-error';

describe('describeError', () => {
  it('gives name and message', () => {
    expect(describeError(new TypeError('bad input'))).toBe('TypeError: bad input');
  });

  it("adds a driver's code", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(describeError(refused)).toBe('Error: connect ECONNREFUSED 127.0.0.1:5432 (ECONNREFUSED)');
  });

  it('follows the cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(describeError(new TypeError('fetch failed', { cause }))).toBe(
      'TypeError: fetch failed: Error: connect ECONNREFUSED (ECONNREFUSED)',
    );
  });

  it('gives the stack when asked', () => {
    const error = new Error('boom');
    expect(describeError(error, { stack: true })).toBe(error.stack);
  });

  it('turns anything else into text', () => {
    expect(describeError('plain')).toBe('plain');
    expect(describeError(42)).toBe('42');
  });
});

describe('asError', () => {
  it('keeps an Error and wraps anything else', () => {
    const error = new Error('x');
    expect(asError(error)).toBe(error);
    expect(asError('y')).toEqual(new Error('y'));
  });
});
