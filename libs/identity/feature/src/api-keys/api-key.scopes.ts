/** What an API key may be allowed to do; a key is given some of these when it is created. */
export const API_KEY_SCOPES = [
  'properties:read',
  'properties:write',
  'bookings:read',
  'calendar:write',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

interface ScopeRule {
  methods: readonly string[];
  /** Matched against the path without its query string. */
  path: RegExp;
  scope: ApiKeyScope;
}

const READ = ['GET', 'HEAD'];
const WRITE = ['POST', 'PUT', 'PATCH', 'DELETE'];
const ID = '[^/]+';

/**
 * The routes an API key can call, and the scope each needs: first match wins. Everything not listed
 * (accounts, sessions, API keys themselves, payments, admin routes) is refused to API keys whatever
 * their scopes, so a new route is closed to partners until it is listed here.
 */
const SCOPE_RULES: readonly ScopeRule[] = [
  // Calendars: blocks and external feeds are written with calendar:write; availability is a read.
  {
    methods: [...READ, ...WRITE],
    path: new RegExp(`^/v1/properties/${ID}/calendar-feeds(/${ID})?$`),
    scope: 'calendar:write',
  },
  { methods: WRITE, path: new RegExp(`^/v1/properties/${ID}/blocks(/${ID})?$`), scope: 'calendar:write' },
  { methods: READ, path: /^\/v1\/properties(\/.*)?$/, scope: 'properties:read' },
  { methods: READ, path: /^\/v1\/host\/properties$/, scope: 'properties:read' },
  { methods: WRITE, path: /^\/v1\/properties(\/.*)?$/, scope: 'properties:write' },
  { methods: READ, path: /^\/v1\/host\/bookings$/, scope: 'bookings:read' },
  { methods: READ, path: /^\/v1\/bookings(\/[^/]+)?$/, scope: 'bookings:read' },
];

/** The scope an API key needs for `method path`, or undefined when API keys may not call it at all. */
export function requiredScope(method: string, url: string): ApiKeyScope | undefined {
  const path = url.split('?', 1)[0] ?? url;
  return SCOPE_RULES.find((rule) => rule.methods.includes(method) && rule.path.test(path))?.scope;
}
