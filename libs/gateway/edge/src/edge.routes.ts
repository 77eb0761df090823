/**
 * The public paths the gateway forwards (docs/architecture.md#gateway-edge-routes), as route templates. One
 * list drives both the controller's routes and which bodies pass through unparsed.
 */
export const EDGE_ROUTES = {
  /** Everything under these prefixes goes to rentals, any method. */
  rentals: [
    '/v1/properties',
    '/v1/properties/*',
    '/v1/bookings',
    '/v1/bookings/*',
    '/v1/applications',
    '/v1/applications/*',
    // A host's own listings and the bookings on them.
    '/v1/host/properties',
    '/v1/host/bookings',
  ],
  /** Multipart image upload to rentals: its own, larger body limit. */
  propertyImageUpload: '/v1/properties/:id/images',
  /** Image variant files, public. */
  images: '/v1/images/*',
  /** A booking's payments belong to payments, although the prefix is rentals'. */
  payments: ['/v1/bookings/:id/payments', '/v1/bookings/:id/payments/*'],
  stripeWebhook: '/v1/webhooks/stripe',
  /** Mollie's unsigned ping (`id=tr_…`, form-encoded), forwarded untouched like Stripe's. */
  mollieWebhook: '/v1/webhooks/mollie',
  /**
   * A user's own emails and notification preferences, the admins' delivery ledger, and the public
   * one-click unsubscribe link (GET page, RFC 8058 POST).
   */
  notifications: [
    '/v1/me/notifications',
    '/v1/me/notification-preferences',
    '/v1/admin/deliveries',
    '/v1/notifications/unsubscribe',
  ],
} as const;

/** Route templates whose bodies reach the proxy unparsed. */
export const PASS_THROUGH_ROUTES: ReadonlySet<string> = new Set(Object.values(EDGE_ROUTES).flat());
