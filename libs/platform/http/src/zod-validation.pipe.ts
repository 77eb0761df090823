import { Injectable, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, ErrorCode } from '@rentguy/contracts';

const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';

/**
 * The path (`a.b.0`) of every string value and object key in `value` that holds a NUL character:
 * PostgreSQL `text` and `jsonb` cannot store one, so it is bad input wherever it appears.
 */
export function nulCharacterPaths(value: unknown, path: readonly (string | number)[] = []): string[] {
  if (typeof value === 'string') {
    return value.includes('\0') ? [path.join('.') || '(body)'] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => nulCharacterPaths(item, [...path, index]));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      key.includes('\0')
        ? [[...path, key.replaceAll('\0', '\\u0000')].join('.')]
        : nulCharacterPaths(item, [...path, key]),
    );
  }
  return [];
}

/** Throws 400 `validation_failed` naming every field of `value` that holds a NUL character. */
export function refuseNulCharacters(value: unknown, message = 'request validation failed'): void {
  const paths = nulCharacterPaths(value);
  if (paths.length > 0) {
    const fields = paths.map((path) => ({ path, message: NUL_MESSAGE }));
    throw new DomainError(ErrorCode.ValidationFailed, message, { fields });
  }
}

/**
 * Validates a request part with a zod schema; failures list every invalid field. A string holding a
 * NUL character is refused here for every route, before the schema sees it.
 */
@Injectable()
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    refuseNulCharacters(value);
    const result = this.schema.safeParse(value);
    if (!result.success) {
      const fields = result.error.issues.map((issue) => ({
        path: issue.path.join('.') || '(body)',
        message: issue.message,
      }));
      throw new DomainError(ErrorCode.ValidationFailed, 'request validation failed', { fields });
    }
    return result.data;
  }
}

/** Shorthand: `@Body(validate(createBookingSchema)) dto: CreateBooking`. */
export const validate = <S extends z.ZodType>(schema: S): ZodValidationPipe<S> =>
  new ZodValidationPipe(schema);
