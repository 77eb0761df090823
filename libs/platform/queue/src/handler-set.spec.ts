import { findHandlerSetProblems } from './handler-set';

describe('findHandlerSetProblems', () => {
  const declared = ['image.process', 'image.purge'];

  it('accepts exactly one handler per declared job', () => {
    expect(findHandlerSetProblems('images', declared, ['image.purge', 'image.process'])).toEqual([]);
  });

  it('names a declared job without a handler', () => {
    expect(findHandlerSetProblems('images', declared, ['image.process'])).toEqual([
      'job "image.purge" is declared for queue "images" but has no handler',
    ]);
  });

  it('names a job with two handlers', () => {
    expect(
      findHandlerSetProblems('images', declared, ['image.process', 'image.purge', 'image.process']),
    ).toEqual(['job "image.process" has 2 handlers; it must have exactly one']);
  });

  it('names a handler for a job the queue does not declare', () => {
    expect(
      findHandlerSetProblems('images', declared, ['image.process', 'image.purge', 'image.resize']),
    ).toEqual(['a handler is registered for job "image.resize", which is not declared for queue "images"']);
  });

  it('lists every problem at once', () => {
    expect(
      findHandlerSetProblems('images', declared, ['image.process', 'image.process', 'email.send']),
    ).toHaveLength(3);
  });
});
