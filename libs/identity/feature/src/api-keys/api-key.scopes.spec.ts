import { requiredScope } from './api-key.scopes';

describe('API key scopes by route', () => {
  it.each([
    ['GET', '/v1/properties?city=Utrecht', 'properties:read'],
    ['GET', '/v1/properties/abc', 'properties:read'],
    ['GET', '/v1/properties/abc/availability?from=2027-01-01&to=2027-01-31', 'properties:read'],
    ['GET', '/v1/host/properties', 'properties:read'],
    ['POST', '/v1/properties', 'properties:write'],
    ['PATCH', '/v1/properties/abc', 'properties:write'],
    ['DELETE', '/v1/properties/abc/images/img', 'properties:write'],
    ['POST', '/v1/properties/abc/blocks', 'calendar:write'],
    ['DELETE', '/v1/properties/abc/blocks/blk', 'calendar:write'],
    ['GET', '/v1/properties/abc/calendar-feeds', 'calendar:write'],
    ['POST', '/v1/properties/abc/calendar-feeds', 'calendar:write'],
    ['GET', '/v1/bookings', 'bookings:read'],
    ['GET', '/v1/bookings/abc', 'bookings:read'],
    ['GET', '/v1/host/bookings?status=confirmed', 'bookings:read'],
  ])('%s %s needs %s', (method, url, scope) => {
    expect(requiredScope(method, url)).toBe(scope);
  });

  it.each([
    ['POST', '/v1/bookings'],
    ['POST', '/v1/bookings/abc/cancel'],
    ['GET', '/v1/bookings/abc/payments'],
    ['POST', '/v1/bookings/abc/payments'],
    ['GET', '/v1/api-keys'],
    ['POST', '/v1/api-keys'],
    ['DELETE', '/v1/api-keys/abc'],
    ['GET', '/v1/me'],
    ['POST', '/v1/auth/refresh'],
    ['GET', '/v1/admin/deliveries'],
    ['GET', '/v1/me/notifications'],
  ])('%s %s is closed to API keys', (method, url) => {
    expect(requiredScope(method, url)).toBeUndefined();
  });
});
