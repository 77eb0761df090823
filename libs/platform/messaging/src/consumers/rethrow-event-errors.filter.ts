import { Catch, type ExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a handler's error to the inbox engine exactly as thrown. Nest's default RPC filter would
 * replace it with a generic "Internal server error", hiding whether it was a deadlock (retried), a
 * database outage (retried until it returns) or a bug (bounded retries, then the DLQ).
 */
@Catch()
export class RethrowEventErrors implements ExceptionFilter {
  catch(error: unknown): Observable<never> {
    return throwError(() => error);
  }
}
