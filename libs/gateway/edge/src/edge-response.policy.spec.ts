import { createHash } from 'node:crypto';
import {
  cacheControlOf,
  docsPageContentSecurityPolicy,
  HTML_CONTENT_SECURITY_POLICY,
  ifNoneMatchHolds,
  strongEtag,
  takesEtag,
} from './edge-response.policy';
import { cachePolicyOf } from './edge.routes';

const settings = { maxAgeSeconds: 30, staleWhileRevalidateSeconds: 120 };
const get = { method: 'GET', status: 200, authenticated: false };

describe('cacheControlOf', () => {
  it('lets shared caches keep anonymous public reads, with the configured ages', () => {
    expect(cacheControlOf('public', get, settings)).toBe('public, max-age=30, stale-while-revalidate=120');
    expect(cacheControlOf('public', { ...get, status: 304 }, settings)).toBe(
      'public, max-age=30, stale-while-revalidate=120',
    );
  });

  it('keeps anything personal, written or failed out of every cache', () => {
    expect(cacheControlOf('public', { ...get, authenticated: true }, settings)).toBe('private, no-store');
    expect(cacheControlOf('public', { ...get, method: 'POST', status: 201 }, settings)).toBe(
      'private, no-store',
    );
    expect(cacheControlOf('public', { ...get, status: 404 }, settings)).toBe('private, no-store');
    expect(cacheControlOf('private', get, settings)).toBe('private, no-store');
    expect(cacheControlOf('immutable', { ...get, status: 404 }, settings)).toBe('private, no-store');
  });

  it('caches immutable content for a year, token or not', () => {
    expect(cacheControlOf('immutable', { ...get, authenticated: true }, settings)).toBe(
      'public, max-age=31536000, immutable',
    );
  });
});

describe('takesEtag', () => {
  it('tags successful anonymous public GETs only', () => {
    expect(takesEtag('public', get)).toBe(true);
    expect(takesEtag('public', { ...get, authenticated: true })).toBe(false);
    expect(takesEtag('public', { ...get, method: 'HEAD' })).toBe(false);
    expect(takesEtag('public', { ...get, status: 404 })).toBe(false);
    expect(takesEtag('private', get)).toBe(false);
    expect(takesEtag('immutable', { ...get, authenticated: true })).toBe(true);
  });
});

describe('ETags', () => {
  it('are strong, and change with the body', () => {
    const a = strongEtag('{"id":"p1"}');
    expect(a).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(strongEtag(Buffer.from('{"id":"p1"}'))).toBe(a);
    expect(strongEtag('{"id":"p2"}')).not.toBe(a);
  });

  it('match If-None-Match by weak comparison, in lists and as *', () => {
    expect(ifNoneMatchHolds('"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchHolds('W/"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchHolds('"x", "abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchHolds('*', '"abc"')).toBe(true);
    expect(ifNoneMatchHolds('"abcd"', '"abc"')).toBe(false);
    expect(ifNoneMatchHolds(undefined, '"abc"')).toBe(false);
  });
});

describe('cachePolicyOf', () => {
  it('reads the route table, and leaves unlisted routes to their handlers', () => {
    expect(cachePolicyOf('/v1/properties/*')).toBe('public');
    expect(cachePolicyOf('/v1/bookings/*')).toBe('private');
    // The iCal export's URL carries its secret, and the host's calendar routes are personal.
    expect(cachePolicyOf('/v1/properties/:id/calendar.ics')).toBe('private');
    expect(cachePolicyOf('/v1/properties/:id/calendar-feeds')).toBe('private');
    expect(cachePolicyOf('/v1/host/analytics')).toBe('private');
    expect(cachePolicyOf('/v1/images/*')).toBe('immutable');
    expect(cachePolicyOf('/v1/auth/login')).toBeUndefined();
    expect(cachePolicyOf('toString')).toBeUndefined();
    expect(cachePolicyOf(undefined)).toBeUndefined();
  });
});

describe('the API docs page CSP', () => {
  it("allows exactly the page's own inline scripts, by hash, and keeps the rest of the HTML policy", () => {
    const html = '<script src="js/scalar.js"></script><script type="text/javascript">boot()</script>';
    const hash = createHash('sha256').update('boot()').digest('base64');

    const csp = docsPageContentSecurityPolicy(html);

    expect(csp).toBe(
      HTML_CONTENT_SECURITY_POLICY.replace("script-src 'self'", `script-src 'self' 'sha256-${hash}'`),
    );
    expect(docsPageContentSecurityPolicy('<p>no scripts</p>')).toBe(HTML_CONTENT_SECURITY_POLICY);
  });
});
