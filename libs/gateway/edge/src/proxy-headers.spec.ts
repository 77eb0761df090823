import { downstreamResponseHeaders, upstreamRequestHeaders } from './proxy-headers';

const base = { requestId: 'req-1', protocol: 'https', withContentLength: false, withTraceContext: false };

describe('upstreamRequestHeaders', () => {
  it('forwards the end-to-end headers a service needs and sets our request id', () => {
    const headers = upstreamRequestHeaders(
      {
        authorization: 'Bearer t',
        accept: 'application/json',
        'content-type': 'application/json',
        'if-none-match': '"v1"',
        'x-request-id': 'spoofed',
        cookie: 'session=1',
        host: 'api.rentguy.test',
        'x-internal-user': 'admin',
      },
      { ...base, clientAddress: '203.0.113.9' },
    );

    expect(headers).toEqual({
      authorization: 'Bearer t',
      accept: 'application/json',
      'content-type': 'application/json',
      'if-none-match': '"v1"',
      'x-request-id': 'req-1',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
    });
  });

  it('drops hop-by-hop headers, including those the caller named in Connection', () => {
    const headers = upstreamRequestHeaders(
      {
        connection: 'keep-alive, If-None-Match, x-secret',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic abc',
        te: 'trailers',
        'transfer-encoding': 'chunked',
        upgrade: 'websocket',
        'if-none-match': '"v1"',
        'x-secret': 's',
        accept: '*/*',
      },
      base,
    );

    expect(Object.keys(headers).sort()).toEqual(['accept', 'x-forwarded-proto', 'x-request-id']);
  });

  it('forwards content-length only for streamed bodies, route extras only when asked', () => {
    const incoming = { 'content-length': '12', 'stripe-signature': 't=1,v1=abc' };

    expect(upstreamRequestHeaders(incoming, base)).not.toHaveProperty('content-length');
    expect(upstreamRequestHeaders(incoming, base)).not.toHaveProperty('stripe-signature');
    expect(
      upstreamRequestHeaders(incoming, { ...base, withContentLength: true, extra: ['stripe-signature'] }),
    ).toMatchObject({ 'content-length': '12', 'stripe-signature': 't=1,v1=abc' });
  });

  it("replaces a caller's x-forwarded-for chain with the address the gateway resolved", () => {
    const headers = upstreamRequestHeaders(
      { 'x-forwarded-for': '198.51.100.1, 192.0.2.7' },
      { ...base, clientAddress: '10.0.0.5' },
    );

    expect(headers['x-forwarded-for']).toBe('10.0.0.5');
  });

  it("passes the caller's trace context on only when told to", () => {
    const incoming = {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'a=1',
    };

    expect(upstreamRequestHeaders(incoming, base)).not.toHaveProperty('traceparent');
    expect(upstreamRequestHeaders(incoming, { ...base, withTraceContext: true })).toMatchObject(incoming);
  });
});

describe('downstreamResponseHeaders', () => {
  it('passes representation and caching headers, drops hop-by-hop and internal ones', () => {
    const headers = downstreamResponseHeaders(
      {
        'content-type': 'application/json',
        etag: '"abc"',
        'cache-control': 'public, max-age=60',
        location: '/v1/bookings/1',
        connection: 'keep-alive, x-upstream-debug',
        'keep-alive': 'timeout=1234',
        'transfer-encoding': 'chunked',
        'proxy-authenticate': 'Basic',
        'x-upstream-debug': '1',
        'set-cookie': ['a=1'],
        server: 'rentals',
      },
      200,
    );

    expect(headers).toEqual({
      'content-type': 'application/json',
      etag: '"abc"',
      'cache-control': 'public, max-age=60',
      location: '/v1/bookings/1',
    });
  });

  it("gives a service's 503 a Retry-After when it has none, and keeps the service's own", () => {
    expect(downstreamResponseHeaders({ 'content-type': 'application/json' }, 503)).toEqual({
      'content-type': 'application/json',
      'retry-after': '2',
    });
    expect(downstreamResponseHeaders({ 'retry-after': '30' }, 503)).toEqual({ 'retry-after': '30' });
    expect(downstreamResponseHeaders({}, 500)).toEqual({});
  });
});
