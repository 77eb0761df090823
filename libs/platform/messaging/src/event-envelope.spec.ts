import { randomUUID } from 'node:crypto';
import { EventValidationError, parseEnvelope, type EventData } from '@rentguy/contracts';
import { buildEnvelope, eventTopic } from './event-envelope';

const payment: EventData<'payment.succeeded'> = {
  paymentId: randomUUID(),
  bookingId: randomUUID(),
  provider: 'stripe',
  providerPaymentId: 'pi_123',
  amount: 12_500,
  currency: 'EUR',
};

describe('buildEnvelope', () => {
  it('builds an envelope that consumers accept', () => {
    const now = new Date('2025-01-02T03:04:05.678Z');
    const envelope = buildEnvelope('payment.succeeded', payment.paymentId, payment, { now });

    expect(envelope).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'payment.succeeded',
      version: 1,
      occurredAt: '2025-01-02T03:04:05.678Z',
      aggregateId: payment.paymentId,
      data: payment,
    });
    expect(parseEnvelope(JSON.parse(JSON.stringify(envelope)))).toEqual(envelope);
  });

  it('gives every event its own id', () => {
    const a = buildEnvelope('payment.succeeded', payment.paymentId, payment);
    const b = buildEnvelope('payment.succeeded', payment.paymentId, payment);
    expect(a.id).not.toBe(b.id);
  });

  it('rejects a payload that does not satisfy the catalog schema, naming the field', () => {
    const invalid = { ...payment, currency: 'euro' };
    expect(() => buildEnvelope('payment.succeeded', payment.paymentId, invalid)).toThrow(
      EventValidationError,
    );
    expect(() => buildEnvelope('payment.succeeded', payment.paymentId, invalid)).toThrow(/currency/);
  });

  it('rejects an empty aggregate id (it is the partition key)', () => {
    expect(() => buildEnvelope('payment.succeeded', '', payment)).toThrow(EventValidationError);
  });

  it('applies schema defaults, so consumers see the same data the producer validated', () => {
    const data = {
      bookingId: randomUUID(),
      propertyId: randomUUID(),
      propertyTitle: 'Canal house',
      hostId: randomUUID(),
      guestId: randomUUID(),
      guestEmail: 'guest@example.com',
      guestName: 'Guest',
      checkIn: '2025-06-01',
      checkOut: '2025-06-05',
      totalAmount: 50_000,
      currency: 'EUR',
    } as EventData<'booking.confirmed'>;
    expect(buildEnvelope('booking.confirmed', data.bookingId, data).data.locale).toBe('en');
  });
});

describe('eventTopic', () => {
  it('is the catalog topic, with the optional prefix', () => {
    expect(eventTopic('payment.succeeded')).toBe('payments.payment.v1');
    expect(eventTopic('booking.held', 'staging.')).toBe('staging.rentals.booking.v1');
  });
});
