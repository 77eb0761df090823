import type { MessageHandler } from '@nestjs/microservices';
import { consumerGroups, topicsOfGroup } from '@rentguy/contracts';
import { findEventHandlerProblems } from './inbox.transport';

function handler(next?: MessageHandler): MessageHandler {
  const fn = (async () => undefined) as unknown as MessageHandler;
  fn.next = next;
  return fn;
}

describe('findEventHandlerProblems', () => {
  /** One handler for every event `group` consumes (the catalog's list, whatever it holds today). */
  const complete = (group: keyof typeof consumerGroups): Map<string, MessageHandler> =>
    new Map(consumerGroups[group].map((type) => [type, handler()]));

  it('accepts exactly one handler per event the group consumes', () => {
    expect(findEventHandlerProblems('payments', complete('payments'))).toEqual([]);
  });

  it('names a consumed event without a handler', () => {
    const handlers = complete('payments');
    handlers.delete('booking.expired');
    expect(findEventHandlerProblems('payments', handlers)).toEqual([
      "no @OnEvent('booking.expired') handler",
    ]);
  });

  it('names an event with two handlers (Nest chains the second onto the first)', () => {
    const handlers = complete('rentals');
    handlers.set('payment.succeeded', handler(handler()));
    expect(findEventHandlerProblems('rentals', handlers)).toEqual([
      "more than one @OnEvent('payment.succeeded') handler",
    ]);
  });

  it('names a handler for an event the group does not consume', () => {
    const handlers = complete('rentals');
    handlers.set('booking.held', handler());
    expect(findEventHandlerProblems('rentals', handlers)).toEqual([
      `a handler for "booking.held", which the group does not consume (its topics: ${topicsOfGroup('rentals').join(', ')})`,
    ]);
  });
});
