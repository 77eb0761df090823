import type { Upstream } from './edge.config';

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
    // A host's own listings, the bookings on them and the tenant applications to decide.
    '/v1/host/properties',
    '/v1/host/bookings',
    '/v1/host/analytics',
    '/v1/admin/analytics',
    // A property's calendar routes that are never shared-cacheable (the rest are under /v1/properties/*).
    '/v1/properties/:id/blocks',
    '/v1/properties/:id/blocks/:blockId',
    '/v1/properties/:id/calendar.ics',
    '/v1/properties/:id/calendar-token',
    '/v1/properties/:id/calendar-feeds',
    '/v1/properties/:id/calendar-feeds/:feedId',
    '/v1/host/applications',
    '/v1/host/applications/*',
  ],
  /** Multipart image upload to rentals: its own, larger body limit. */
  propertyImageUpload: '/v1/properties/:id/images',
  /** Image variant files, public. */
  images: '/v1/images/*',
  /** A booking's payments belong to payments, although the prefix is rentals'. */
  payments: ['/v1/bookings/:id/payments', '/v1/bookings/:id/payments/*', '/v1/admin/payments/*'],
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

/** Which service each entry of `EDGE_ROUTES` forwards to: `EdgeController` forwards by it, the API document checks by it. */
export const EDGE_ROUTE_UPSTREAMS: Readonly<Record<keyof typeof EDGE_ROUTES, Upstream>> = {
  rentals: 'rentals',
  propertyImageUpload: 'rentals',
  images: 'rentals',
  payments: 'payments',
  stripeWebhook: 'payments',
  mollieWebhook: 'payments',
  notifications: 'notifications',
};

const templatePattern = (template: string): RegExp =>
  new RegExp(`^${template.replace(/:\w+/g, '[^/]+').replace(/\*$/, '.+')}$`);

/**
 * Whether the gateway forwards a service's route (an OpenAPI path such as `/v1/bookings/{id}`) to
 * that service: the OpenAPI document lists a service's `/v1` routes only when clients can reach them.
 */
export function isForwardedTo(upstream: Upstream, openApiPath: string): boolean {
  const path = openApiPath.replace(/\{\w+\}/g, 'x');
  return Object.entries(EDGE_ROUTES).some(
    ([key, templates]) =>
      EDGE_ROUTE_UPSTREAMS[key as keyof typeof EDGE_ROUTES] === upstream &&
      [templates].flat().some((template) => templatePattern(template).test(path)),
  );
}

/** Route templates whose bodies reach the proxy unparsed. */
export const PASS_THROUGH_ROUTES: ReadonlySet<string> = new Set(Object.values(EDGE_ROUTES).flat());

type Flat<T> = T extends readonly (infer U)[] ? U : T;
export type EdgeRouteTemplate = Flat<(typeof EDGE_ROUTES)[keyof typeof EDGE_ROUTES]>;

/**
 * How clients and shared caches may keep an answer (`cacheControlOf`):
 * - `public`: anonymous successful reads are `public, max-age, stale-while-revalidate` with a strong
 *   ETag; with a token they may be personal (a host sees their own unpublished listing), so `private, no-store`;
 * - `immutable`: content addressed by its URL (image variants), cached for a year;
 * - `private`: personal data, `private, no-store`, whatever the method.
 */
export type EdgeCachePolicy = 'public' | 'immutable' | 'private';

/** The gateway's own routes with a cache policy (identity's account routes and the JWKS, the docs). */
type GatewayOwnRoute =
  | '/docs'
  | '/.well-known/jwks.json'
  | '/v1/me'
  | '/v1/me/password'
  | '/v1/admin/users'
  | '/v1/admin/users/:id';

/**
 * The one place that says, route by route, what may be cached: every edge route (the compiler
 * insists), and the gateway's own public reads. Routes not listed keep what their handler sets
 * (login and the other `/v1/auth` answers are `no-store` there).
 */
/** The gateway's API reference (`installApiDocs`): the page, its script and the OpenAPI document. */
export const API_DOCS_ROUTES = {
  redirect: '/docs',
  page: '/docs/',
  script: '/docs/js/scalar.js',
  json: '/docs/openapi.json',
  yaml: '/docs/openapi.yaml',
} as const;

type ApiDocsRoute = (typeof API_DOCS_ROUTES)[keyof typeof API_DOCS_ROUTES];

export const ROUTE_CACHE_POLICIES: Readonly<
  Record<EdgeRouteTemplate | GatewayOwnRoute | ApiDocsRoute, EdgeCachePolicy>
> = {
  '/v1/properties': 'public',
  '/v1/properties/*': 'public',
  '/v1/bookings': 'private',
  '/v1/bookings/*': 'private',
  '/v1/applications': 'private',
  '/v1/applications/*': 'private',
  '/v1/host/properties': 'private',
  '/v1/host/bookings': 'private',
  '/v1/host/analytics': 'private',
  '/v1/admin/analytics': 'private',
  '/v1/properties/:id/blocks': 'private',
  '/v1/properties/:id/blocks/:blockId': 'private',
  // The URL carries the export secret: no shared cache may keep it.
  '/v1/properties/:id/calendar.ics': 'private',
  '/v1/properties/:id/calendar-token': 'private',
  '/v1/properties/:id/calendar-feeds': 'private',
  '/v1/properties/:id/calendar-feeds/:feedId': 'private',
  '/v1/host/applications': 'private',
  '/v1/host/applications/*': 'private',
  '/v1/properties/:id/images': 'private',
  '/v1/images/*': 'immutable',
  '/v1/bookings/:id/payments': 'private',
  '/v1/bookings/:id/payments/*': 'private',
  '/v1/admin/payments/*': 'private',
  '/v1/webhooks/stripe': 'private',
  '/v1/webhooks/mollie': 'private',
  '/v1/me/notifications': 'private',
  '/v1/me/notification-preferences': 'private',
  '/v1/admin/deliveries': 'private',
  '/v1/notifications/unsubscribe': 'private',
  '/docs': 'public',
  // The token verification keys: public, and a client may keep them for a while.
  '/.well-known/jwks.json': 'public',
  '/v1/me': 'private',
  '/v1/me/password': 'private',
  '/v1/admin/users': 'private',
  '/v1/admin/users/:id': 'private',
  '/docs/': 'public',
  '/docs/js/scalar.js': 'public',
  '/docs/openapi.json': 'public',
  '/docs/openapi.yaml': 'public',
};

/** The cache policy of a matched route template, if it has one. */
export function cachePolicyOf(route: string | undefined): EdgeCachePolicy | undefined {
  return route !== undefined && Object.hasOwn(ROUTE_CACHE_POLICIES, route)
    ? ROUTE_CACHE_POLICIES[route as keyof typeof ROUTE_CACHE_POLICIES]
    : undefined;
}

/**
 * Smaller body limits for the gateway's own routes, by path prefix (every other route has
 * `BODY_LIMIT_BYTES`; edge routes pass their own to the proxy). Credentials and tokens are a few
 * hundred bytes: there is no reason to parse a megabyte before refusing it.
 */
export const OWN_ROUTE_BODY_LIMITS: readonly { prefix: string; bytes: number }[] = [
  { prefix: '/v1/auth/', bytes: 16 * 1024 },
];
