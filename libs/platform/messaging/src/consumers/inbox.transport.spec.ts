import type { MessageHandler } from '@nestjs/microservices';
import { findEventHandlerProblems } from './inbox.transport';

function handler(next?: MessageHandler): MessageHandler {
  const fn = (async () => undefined) as unknown as MessageHandler;
  fn.next = next;
  return fn;
}

describe('findEventHandlerProblems', () => {
  it('accepts exactly one handler per event the group consumes', () => {
    const handlers = new Map([
      ['booking.held', handler()],
      ['booking.expired', handler()],
      ['booking.confirmed', handler()],
    ]);
    expect(findEventHandlerProblems('payments', handlers)).toEqual([]);
  });

  it('names a consumed event without a handler', () => {
    const handlers = new Map([
      ['booking.held', handler()],
      ['booking.confirmed', handler()],
    ]);
    expect(findEventHandlerProblems('payments', handlers)).toEqual([
      "no @OnEvent('booking.expired') handler",
    ]);
  });

  it('names an event with two handlers (Nest chains the second onto the first)', () => {
    const handlers = new Map([['payment.succeeded', handler(handler())]]);
    expect(findEventHandlerProblems('rentals', handlers)).toEqual([
      "more than one @OnEvent('payment.succeeded') handler",
    ]);
  });

  it('names a handler for an event the group does not consume', () => {
    const handlers = new Map([
      ['payment.succeeded', handler()],
      ['booking.held', handler()],
    ]);
    expect(findEventHandlerProblems('rentals', handlers)).toEqual([
      'a handler for "booking.held", which the group does not consume (its topics: payments.payment.v1)',
    ]);
  });
});
