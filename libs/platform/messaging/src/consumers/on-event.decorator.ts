import { applyDecorators, UseFilters, UseInterceptors } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { EventEnvelope, EventType } from '@rentguy/contracts';
import { EventTracingInterceptor } from './event-tracing.interceptor';
import type { InboxContext } from './inbox.context';
import { RethrowEventErrors } from './rethrow-event-errors.filter';

/** The shape of an event handler method: the typed envelope (`@Payload()`) and the inbox context (`@Ctx()`). */
export type EventHandlerMethod<T extends EventType> = (
  event: EventEnvelope<T>,
  context: InboxContext<T>,
) => Promise<void>;

/**
 * Declares a controller method as the service's handler of one event type from `libs/contracts`.
 * The method's signature is checked against the event's payload type at compile time. The handler
 * runs in a span continuing the producer's trace, and its errors reach the inbox engine unchanged:
 *
 * ```ts
 * @OnEvent('payment.succeeded')
 * async onPaymentSucceeded(@Payload() event: EventEnvelope<'payment.succeeded'>, @Ctx() ctx: InboxContext) {
 *   await this.settlement.onPaymentSucceeded(event, ctx.tx);
 * }
 * ```
 */
export function OnEvent<T extends EventType>(type: T) {
  const decorate = applyDecorators(
    EventPattern(type) as MethodDecorator,
    UseInterceptors(EventTracingInterceptor),
    UseFilters(RethrowEventErrors),
  );
  return <M extends EventHandlerMethod<T>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    decorate(target, key, descriptor as PropertyDescriptor);
  };
}
