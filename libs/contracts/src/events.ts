import { z } from 'zod';

/** Kafka topics, one per aggregate, keyed by aggregate id. */
export const Topics = {
  booking: 'rentals.booking.v1',
  property: 'rentals.property.v1',
  application: 'rentals.application.v1',
  payment: 'payments.payment.v1',
  refund: 'payments.refund.v1',
  delivery: 'notifications.delivery.v1',
  user: 'identity.user.v1',
  /** Sensitive actions other services report for identity's audit log, keyed by target id. */
  audit: 'identity.audit.v1',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];

/** The dead-letter topic of one consumer group for one source topic. */
export const dlqTopic = (topic: string, consumer: string): string => `${topic}.dlq.${consumer}`;

const isoDate = z.iso.date();
const locale = z.enum(['en', 'nl']).default('en');
const money = { amount: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) };
const providerName = z.enum(['stripe', 'mollie']);

/**
 * Sensitive actions the audit log records (identity's `audit_log`). The gateway records its own
 * directly; another service reports one with an `audit.recorded` event and never writes identity's
 * tables. Names are stored, so they never change once used.
 */
export const AUDIT_ACTIONS = [
  'api_key.created',
  'api_key.revoked',
  'user.role_changed',
  'user.password_changed',
  'user.password_reset',
  'admin.user_viewed',
  'booking.cancelled_by_host',
  'booking.cancelled_by_admin',
  'refund.issued_by_admin',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Why money is given back: a cancellation (by whom), a payment rentals could not apply, or goodwill. */
export const REFUND_REASONS = [
  'guest_cancelled',
  'host_cancelled',
  'admin_cancelled',
  'dates_unavailable',
  'booking_cancelled',
  'duplicate_payment',
  'goodwill',
] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** What cancelling a booking refunds, computed by rentals from the booking's policy snapshot. */
export const cancellationQuoteSchema = z.object({
  refundAmount: money.amount,
  currency: money.currency,
  policy: z.enum(['flexible', 'moderate', 'strict']),
  policyVersion: z.number().int().positive(),
  asOf: z.iso.datetime({ offset: true }),
  breakdown: z.object({
    paid: money.amount,
    accommodation: money.amount,
    cleaningFee: money.amount,
    serviceFee: money.amount,
    tax: money.amount,
    accommodationBps: z.number().int().min(0).max(10_000),
    hoursBeforeCheckIn: z.number().int(),
    basis: z.enum(['policy', 'full', 'unpaid', 'admin-amount']),
  }),
});
export type CancellationQuoteData = z.infer<typeof cancellationQuoteSchema>;

const refundFacts = {
  refundId: z.uuid(),
  paymentId: z.uuid(),
  bookingId: z.uuid(),
  guestId: z.uuid(),
  provider: providerName,
  providerRefundId: z.string().nullable(),
  amount: money.amount,
  currency: money.currency,
  reason: z.enum(REFUND_REASONS),
  /** The booked property's title when payments knows it (for the guest's email). */
  propertyTitle: z.string(),
};

/** Who stays where and when: the facts every booking lifecycle event carries. */
const stayFacts = {
  bookingId: z.uuid(),
  propertyId: z.uuid(),
  propertyTitle: z.string(),
  hostId: z.uuid(),
  guestId: z.uuid(),
  guestEmail: z.email(),
  guestName: z.string(),
  checkIn: isoDate,
  checkOut: isoDate,
};

/** Payload schemas by event type. Adding an event means adding it here, and only here. */
export const eventCatalog = {
  'booking.held': {
    topic: Topics.booking,
    version: 1,
    data: z.object({
      ...stayFacts,
      totalAmount: money.amount,
      currency: money.currency,
      expiresAt: z.iso.datetime({ offset: true }),
    }),
  },
  'booking.confirmed': {
    topic: Topics.booking,
    version: 1,
    data: z.object({
      ...stayFacts,
      totalAmount: money.amount,
      currency: money.currency,
      locale,
    }),
  },
  'booking.expired': {
    topic: Topics.booking,
    version: 1,
    data: z.object({ bookingId: z.uuid(), propertyId: z.uuid() }),
  },
  /** A held or confirmed booking was cancelled; its dates are free. Carries what the cancellation refunds. */
  'booking.cancelled': {
    topic: Topics.booking,
    version: 1,
    data: z.object({
      ...stayFacts,
      previousStatus: z.enum(['held', 'confirmed']),
      cancelledBy: z.enum(['guest', 'host', 'admin']),
      quote: cancellationQuoteSchema,
      locale,
    }),
  },
  /**
   * Money arrived that rentals cannot turn into a stay: the hold had expired and its dates were
   * taken, or the booking was cancelled meanwhile. Payments owes the guest all of it back.
   */
  'booking.payment-rejected': {
    topic: Topics.booking,
    version: 1,
    data: z.object({
      bookingId: z.uuid(),
      paymentId: z.uuid(),
      amount: money.amount,
      currency: money.currency,
      reason: z.enum(['dates_unavailable', 'booking_cancelled']),
    }),
  },
  /**
   * An imported calendar feed marks dates taken that a held or confirmed booking already has: the
   * booking stands (an import never cancels one), the host is told once per feed event and booking.
   */
  'calendar.conflict': {
    topic: Topics.property,
    version: 1,
    data: z.object({
      propertyId: z.uuid(),
      propertyTitle: z.string(),
      hostId: z.uuid(),
      bookingId: z.uuid(),
      checkIn: isoDate,
      checkOut: isoDate,
      feedId: z.uuid(),
      /** The feed as the host named it. */
      calendarName: z.string(),
    }),
  },
  'payment.succeeded': {
    topic: Topics.payment,
    version: 1,
    data: z.object({
      paymentId: z.uuid(),
      bookingId: z.uuid(),
      provider: providerName,
      providerPaymentId: z.string(),
      amount: money.amount,
      currency: money.currency,
    }),
  },
  'payment.failed': {
    topic: Topics.payment,
    version: 1,
    data: z.object({
      paymentId: z.uuid(),
      bookingId: z.uuid(),
      provider: providerName,
      reason: z.string(),
    }),
  },
  'refund.succeeded': {
    topic: Topics.refund,
    version: 1,
    data: z.object(refundFacts),
  },
  'refund.failed': {
    topic: Topics.refund,
    version: 1,
    data: z.object({ ...refundFacts, failureReason: z.string() }),
  },
  'application.screened': {
    topic: Topics.application,
    version: 1,
    data: z.object({
      applicationId: z.uuid(),
      propertyId: z.uuid(),
      guestId: z.uuid(),
      outcome: z.enum(['approved', 'declined', 'review']),
    }),
  },
  /**
   * The property's host approved or declined a screened application. Carries no applicant data: the
   * applicant is named by user id and addressed through notifications' recipient directory.
   */
  'application.decided': {
    topic: Topics.application,
    version: 1,
    data: z.object({
      applicationId: z.uuid(),
      propertyId: z.uuid(),
      propertyTitle: z.string(),
      hostId: z.uuid(),
      guestId: z.uuid(),
      decision: z.enum(['approved', 'declined']),
      reason: z.string(),
      decidedAt: z.iso.datetime({ offset: true }),
    }),
  },
  'user.registered': {
    topic: Topics.user,
    version: 1,
    data: z.object({
      userId: z.uuid(),
      email: z.email(),
      name: z.string(),
      locale,
      role: z.enum(['guest', 'host']),
    }),
  },
  'user.updated': {
    topic: Topics.user,
    version: 1,
    data: z.object({ userId: z.uuid(), email: z.email(), name: z.string(), locale }),
  },
  /** An API key stops working within 7 days; emitted once per key (identity's daily reminder). */
  'api-key.expiring': {
    topic: Topics.user,
    version: 1,
    data: z.object({
      userId: z.uuid(),
      apiKeyId: z.uuid(),
      name: z.string(),
      /** The key's public part (`rgk_<key id>`), never the secret. */
      prefix: z.string(),
      expiresAt: z.iso.datetime({ offset: true }),
    }),
  },
  /**
   * A service other than the gateway did something sensitive (a host's or admin's cancel, an admin's
   * refund); the gateway appends it to identity's audit log once. `details` holds small non-PII facts
   * (amounts, reasons), never names, emails or addresses beyond the client's `ip`.
   */
  'audit.recorded': {
    topic: Topics.audit,
    version: 1,
    data: z.object({
      source: z.enum(['rentals', 'payments', 'notifications']),
      actor: z.object({ id: z.uuid(), role: z.enum(['guest', 'host', 'admin']) }),
      action: z.enum(AUDIT_ACTIONS),
      target: z.object({ type: z.string().min(1).max(64), id: z.string().min(1).max(200) }),
      ip: z.string().max(64).nullable(),
      requestId: z.string().max(200).nullable(),
      occurredAt: z.iso.datetime({ offset: true }),
      details: z.record(z.string(), z.union([z.string().max(200), z.number(), z.boolean(), z.null()])),
    }),
  },
  /** Carries the single-use reset secret: only notifications reads this topic, and the token is hashed at rest. */
  'password-reset.requested': {
    topic: Topics.user,
    version: 1,
    data: z.object({
      userId: z.uuid(),
      token: z.string().min(32),
      expiresAt: z.iso.datetime({ offset: true }),
    }),
  },
} as const;

export type EventType = keyof typeof eventCatalog;
export type EventData<T extends EventType> = z.infer<(typeof eventCatalog)[T]['data']>;

/**
 * Kafka consumer groups, one per consuming service, and the event types each one applies. A group
 * reads the topics of its events; a service must handle each of them exactly once and nothing else
 * (the messaging library refuses to boot otherwise).
 */
export const consumerGroups = {
  // Refund news goes onto the guest's booking view.
  rentals: ['payment.succeeded', 'refund.succeeded', 'refund.failed'],
  payments: [
    'booking.held',
    'booking.expired',
    'booking.confirmed',
    'booking.cancelled',
    'booking.payment-rejected',
  ],
  notifications: [
    // the booking lifecycle: what the guest is asked to pay, confirmed, expired, and failed payments.
    'booking.held',
    'booking.confirmed',
    'booking.expired',
    'payment.failed',
    // cancellations (guest and host) and refunds that went through.
    'booking.cancelled',
    'refund.succeeded',
    // rentals' calendar sync: an imported feed collides with a booking (the host's email).
    'calendar.conflict',
    // the applicant hears the host's decision.
    'application.decided',
    // identity's user events: the recipient directory, welcome and password-reset emails.
    'user.registered',
    'user.updated',
    'password-reset.requested',
    'api-key.expiring',
  ],
  // the gateway appends other services' sensitive actions to identity's audit log.
  gateway: ['audit.recorded'],
} as const satisfies Record<string, readonly EventType[]>;
export type ConsumerGroup = keyof typeof consumerGroups;

/** The topics a consumer group reads: those of the events it applies. */
export function topicsOfGroup(group: ConsumerGroup): Topic[] {
  return [...new Set(consumerGroups[group].map((type) => eventCatalog[type].topic))];
}

export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  aggregateId: z.string().min(1),
  data: z.unknown(),
});

/** What travels on Kafka: one fact, already committed by the service that owns it. */
export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  version: number;
  occurredAt: string;
  aggregateId: string;
  data: EventData<T>;
}

export class EventValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventValidationError';
  }
}

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventCatalog, type);
}

/** Parses a raw message value into a typed envelope, or throws EventValidationError saying why. */
export function parseEnvelope(raw: unknown): EventEnvelope {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    throw new EventValidationError(`invalid envelope: ${z.prettifyError(envelope.error)}`);
  }
  const { type } = envelope.data;
  if (!isEventType(type)) {
    throw new EventValidationError(`unknown event type "${type}"`);
  }
  const entry = eventCatalog[type];
  if (envelope.data.version !== entry.version) {
    throw new EventValidationError(`unsupported version ${envelope.data.version} of "${type}"`);
  }
  const data = entry.data.safeParse(envelope.data.data);
  if (!data.success) {
    throw new EventValidationError(`invalid "${type}" payload: ${z.prettifyError(data.error)}`);
  }
  return { ...envelope.data, type, data: data.data } as EventEnvelope;
}
