import { randomUUID } from 'node:crypto';
import { EventValidationError, parseEnvelope } from './events';

const confirmed = () => ({
  id: randomUUID(),
  type: 'booking.confirmed',
  version: 1,
  occurredAt: new Date().toISOString(),
  aggregateId: randomUUID(),
  data: {
    bookingId: randomUUID(),
    propertyId: randomUUID(),
    propertyTitle: 'Canal house',
    hostId: randomUUID(),
    guestId: randomUUID(),
    guestEmail: 'guest@example.com',
    guestName: 'Ada',
    checkIn: '2027-01-10',
    checkOut: '2027-01-12',
    totalAmount: 24000,
    currency: 'EUR',
  },
});

describe('parseEnvelope', () => {
  it('accepts a valid event and applies payload defaults', () => {
    const event = parseEnvelope(confirmed());
    expect(event.type).toBe('booking.confirmed');
    expect(event.data).toMatchObject({ totalAmount: 24000, locale: 'en' });
  });

  it('rejects an unknown type', () => {
    expect(() => parseEnvelope({ ...confirmed(), type: 'booking.teleported' })).toThrow(/unknown event type/);
  });

  it('rejects an unsupported version', () => {
    expect(() => parseEnvelope({ ...confirmed(), version: 7 })).toThrow(EventValidationError);
  });

  it('names the invalid field of a payload', () => {
    const bad = confirmed();
    bad.data.currency = 'euro';
    expect(() => parseEnvelope(bad)).toThrow(/currency/);
  });

  it('rejects something that is not an envelope', () => {
    expect(() => parseEnvelope('hello')).toThrow(/invalid envelope/);
  });
});

describe('audit.recorded', () => {
  const reported = (data: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    type: 'audit.recorded',
    version: 1,
    occurredAt: new Date().toISOString(),
    aggregateId: 'b-1',
    data: {
      source: 'rentals',
      actor: { id: randomUUID(), role: 'host' },
      action: 'booking.cancelled_by_host',
      target: { type: 'booking', id: 'b-1' },
      ip: null,
      requestId: 'req-1',
      occurredAt: new Date().toISOString(),
      details: { refundAmount: 100, currency: 'EUR' },
      ...data,
    },
  });

  it('accepts a reported action of AUDIT_ACTIONS', () => {
    expect(parseEnvelope(reported()).data).toMatchObject({ action: 'booking.cancelled_by_host', ip: null });
  });

  it('refuses an action the audit log does not know, and nested details', () => {
    expect(() => parseEnvelope(reported({ action: 'booking.deleted' }))).toThrow(/action/);
    expect(() => parseEnvelope(reported({ details: { guest: { email: 'a@b.c' } } }))).toThrow(
      EventValidationError,
    );
  });
});
