import { isForwardedTo } from './edge.routes';

describe('which service routes the edge forwards', () => {
  it('matches a service route against its own entries of EDGE_ROUTES only', () => {
    expect(isForwardedTo('rentals', '/v1/bookings/{id}')).toBe(true);
    expect(isForwardedTo('rentals', '/v1/properties/{id}/images/{imageId}')).toBe(true);
    expect(isForwardedTo('rentals', '/v1/images/{path}')).toBe(true);
    expect(isForwardedTo('payments', '/v1/bookings/{id}/payments')).toBe(true);
    expect(isForwardedTo('payments', '/v1/bookings/{id}')).toBe(false);
    expect(isForwardedTo('notifications', '/v1/me/notifications')).toBe(true);
    expect(isForwardedTo('notifications', '/v1/me/other')).toBe(false);
    expect(isForwardedTo('rentals', '/v1/host/calendar')).toBe(false);
  });
});
