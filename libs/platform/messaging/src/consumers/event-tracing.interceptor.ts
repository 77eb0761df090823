import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { SpanKind, SpanStatusCode, context as otelContext, trace } from '@opentelemetry/api';
import { Observable } from 'rxjs';
import { extractTraceContext } from '../event-headers';
import { InboxContext } from './inbox.context';
import { asError, describeError } from '@rentguy/platform/errors';

const tracer = trace.getTracer('@rentguy/platform/messaging');

/**
 * Runs each event handler in a CONSUMER span that continues the producer's trace (W3C context from
 * the Kafka headers), so everything the handler does — SQL, jobs enqueued after commit, HTTP calls —
 * belongs to the trace of the request that caused the event.
 */
@Injectable()
export class EventTracingInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const inbox = execution.switchToRpc().getContext<unknown>();
    if (!(inbox instanceof InboxContext)) {
      return next.handle();
    }
    const { envelope, origin } = inbox;
    const parent = extractTraceContext(origin.headers);
    const span = tracer.startSpan(
      `process ${origin.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': origin.topic,
          'messaging.destination.partition.id': String(origin.partition),
          'messaging.kafka.offset': Number(origin.offset),
          'messaging.message.id': envelope.id,
          'rentguy.event.type': envelope.type,
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    return new Observable((subscriber) =>
      otelContext.with(active, () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            span.recordException(asError(error));
            span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
            span.end();
            subscriber.error(error);
          },
          complete: () => {
            span.end();
            subscriber.complete();
          },
        }),
      ),
    );
  }
}
