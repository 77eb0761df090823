import { Injectable, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, ErrorCode } from '@rentguy/contracts';

/** Validates a request part with a zod schema; failures list every invalid field. */
@Injectable()
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
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
