import { findHandlerSetProblems, findWorkerBootProblems } from './handler-set';

const by = (owner: string) => (job: string) => ({ job, owner });

describe('findHandlerSetProblems', () => {
  const declared = ['image.process', 'image.purge'];

  it('accepts exactly one handler per declared job', () => {
    expect(
      findHandlerSetProblems('images', declared, ['image.purge', 'image.process'].map(by('A.m'))),
    ).toEqual([]);
  });

  it('names a declared job without a handler', () => {
    expect(findHandlerSetProblems('images', declared, [by('A.process')('image.process')])).toEqual([
      'job "image.purge" is declared for queue "images" but has no handler',
    ]);
  });

  it('names a job with two handlers, and both of them', () => {
    expect(
      findHandlerSetProblems('images', declared, [
        by('A.process')('image.process'),
        by('A.purge')('image.purge'),
        by('B.process')('image.process'),
      ]),
    ).toEqual([
      'job "image.process" of queue "images" has 2 handlers (A.process, B.process); it must have exactly one',
    ]);
  });

  it('names a handler for a job the queue does not declare', () => {
    expect(
      findHandlerSetProblems('images', declared, [
        by('A.process')('image.process'),
        by('A.purge')('image.purge'),
        by('A.resize')('image.resize'),
      ]),
    ).toEqual(['A.resize handles job "image.resize", which is not declared for queue "images"']);
  });

  it('lists every problem at once', () => {
    expect(
      findHandlerSetProblems(
        'images',
        declared,
        ['image.process', 'image.process', 'email.send'].map(by('A.m')),
      ),
    ).toHaveLength(3);
  });
});

describe('findWorkerBootProblems', () => {
  const declared = (queue: string) => (queue === 'images' ? ['image.process'] : ['email.send']);

  it('accepts handlers of the worked queues only', () => {
    expect(
      findWorkerBootProblems(['images'], declared, [{ queue: 'images', job: 'image.process', owner: 'A.m' }]),
    ).toEqual([]);
  });

  it('names a handler of a queue the app runs no worker for', () => {
    expect(
      findWorkerBootProblems(['images'], declared, [
        { queue: 'images', job: 'image.process', owner: 'A.m' },
        { queue: 'email', job: 'email.send', owner: 'Mail.send' },
      ]),
    ).toEqual([
      'Mail.send handles "email"/"email.send", but this app runs no worker for queue "email" (QueueModule.forRoot({ workers }))',
    ]);
  });

  it('checks the handler set of every worked queue, including one without any handler', () => {
    expect(findWorkerBootProblems(['images', 'email'], declared, [])).toEqual([
      'job "image.process" is declared for queue "images" but has no handler',
      'job "email.send" is declared for queue "email" but has no handler',
    ]);
  });

  it('reports a handler discovery could not use', () => {
    expect(
      findWorkerBootProblems(['images'], declared, [
        {
          queue: 'images',
          job: 'image.process',
          owner: 'A.m',
          problem: 'A.m is on a request-scoped provider',
        },
      ]),
    ).toEqual(['A.m is on a request-scoped provider']);
  });
});
