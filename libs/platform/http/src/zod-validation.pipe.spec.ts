import { z } from 'zod';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { nulCharacterPaths, validate } from './zod-validation.pipe';

function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
}

describe('nulCharacterPaths', () => {
  it('names every string and key that holds a NUL, however deep', () => {
    expect(
      nulCharacterPaths({ name: 'a\u0000b', ok: 'fine', tags: ['x', '\u0000'], nested: { 'k\u0000': 1 } }),
    ).toEqual(['name', 'tags.1', 'nested.k\\u0000']);
  });

  it('finds nothing in clean input and names the body itself when it is the string', () => {
    expect(nulCharacterPaths({ a: 'b', n: 1, list: [null, true] })).toEqual([]);
    expect(nulCharacterPaths('\u0000')).toEqual(['(body)']);
  });
});

describe('ZodValidationPipe', () => {
  const pipe = validate(z.strictObject({ name: z.string().max(5), city: z.string() }));

  it('refuses a NUL in any field with 400 validation_failed naming the field, before the schema runs', () => {
    const error = failure(() => pipe.transform({ name: 'a\u0000b', city: 'x\u0000' }));
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.details).toEqual({
      fields: [
        { path: 'name', message: 'must not contain the NUL character (\\u0000)' },
        { path: 'city', message: 'must not contain the NUL character (\\u0000)' },
      ],
    });
  });

  it('lists every schema failure and passes valid input through', () => {
    const error = failure(() => pipe.transform({ name: 'too long' }));
    expect((error.details as { fields: { path: string }[] }).fields.map((f) => f.path)).toEqual([
      'name',
      'city',
    ]);
    expect(pipe.transform({ name: 'Ann', city: 'Utrecht' })).toEqual({ name: 'Ann', city: 'Utrecht' });
  });
});
