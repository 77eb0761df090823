import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfigOf } from '@rentguy/platform/config';
import { CalendarFeedHttpRepository, isAllowedFeedAddress } from './calendar-feed-http.repository';
import type { rentalsDataAccessConfig } from './rentals-data-access.config';

type Config = ConfigOf<typeof rentalsDataAccessConfig>;

/** An external feed faked at the network boundary: each path answers as the test says. */
async function fakeFeedServer(
  routes: Record<
    string,
    (url: string) => { status: number; headers?: Record<string, string>; body?: string }
  >,
) {
  const server: Server = createServer((request, response) => {
    const route = routes[request.url ?? ''];
    const answer = route ? route(request.url ?? '') : { status: 404 };
    response.writeHead(answer.status, answer.headers).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const fetcher = (overrides: Partial<Config> = {}) =>
  new CalendarFeedHttpRepository({
    CALENDAR_FEED_TIMEOUT_MS: 1_000,
    CALENDAR_FEED_MAX_BYTES: 1_000,
    CALENDAR_FEED_ALLOW_LOOPBACK: false,
    ...overrides,
  } as Config);

describe('calendar feed fetch (SSRF protection)', () => {
  const opened: CalendarFeedHttpRepository[] = [];
  const make = (overrides: Partial<Config> = {}) => {
    const repository = fetcher(overrides);
    opened.push(repository);
    return repository;
  };
  afterAll(async () => {
    await Promise.all(opened.map((repository) => repository.onApplicationShutdown()));
  });

  it('classifies addresses: public allowed; private, loopback, link-local, mapped and special refused', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111']) {
      expect(isAllowedFeedAddress(address, false)).toBe(true);
    }
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '224.0.0.1',
      'not-an-ip',
    ]) {
      expect(isAllowedFeedAddress(address, false)).toBe(false);
    }
    // The local-runs flag opens loopback only: not 0.0.0.0, mapped loopback or private ranges.
    expect(isAllowedFeedAddress('127.0.0.1', true)).toBe(true);
    expect(isAllowedFeedAddress('::1', true)).toBe(true);
    for (const address of ['0.0.0.0', '::ffff:127.0.0.1', '10.1.2.3', '169.254.169.254']) {
      expect(isAllowedFeedAddress(address, true)).toBe(false);
    }
  });

  it('refuses loopback without the flag, by IP literal and by a name that resolves there', async () => {
    const server = await fakeFeedServer({ '/feed.ics': () => ({ status: 200, body: 'BEGIN:VCALENDAR' }) });
    try {
      const repository = make();
      await expect(repository.fetch(`${server.base}/feed.ics`)).rejects.toThrow(
        '127.0.0.1 is a forbidden address',
      );
      await expect(repository.fetch(`http://[::1]:${server.port}/feed.ics`)).rejects.toThrow(
        'forbidden address',
      );
      await expect(repository.fetch(`http://localhost:${server.port}/feed.ics`)).rejects.toThrow(
        'localhost resolves to a forbidden address',
      );
      await expect(repository.fetch(`file:///etc/passwd`)).rejects.toThrow('only http and https');
      // With the flag, the same feed is fetched.
      await expect(
        make({ CALENDAR_FEED_ALLOW_LOOPBACK: true }).fetch(`${server.base}/feed.ics`),
      ).resolves.toBe('BEGIN:VCALENDAR');
    } finally {
      await server.close();
    }
  });

  it('checks every redirect: a redirect to a metadata, private or mapped-loopback address is refused', async () => {
    const server = await fakeFeedServer({
      '/ok': () => ({ status: 302, headers: { location: '/feed.ics' } }),
      '/feed.ics': () => ({ status: 200, body: 'BEGIN:VCALENDAR' }),
      '/to-metadata': () => ({
        status: 302,
        headers: { location: 'http://169.254.169.254/latest/meta-data/' },
      }),
      '/to-private': () => ({ status: 301, headers: { location: 'http://10.0.0.1/feed.ics' } }),
      '/to-mapped-loopback': (url) => ({
        status: 307,
        headers: { location: `http://[::ffff:127.0.0.1]${url}x` },
      }),
      '/to-any': () => ({ status: 302, headers: { location: 'http://0.0.0.0/feed.ics' } }),
      '/to-localhost-name': () => ({ status: 302, headers: { location: 'http://localhost./feed.ics' } }),
      '/to-gopher': () => ({ status: 302, headers: { location: 'gopher://127.0.0.1/' } }),
      '/loop': () => ({ status: 302, headers: { location: '/loop' } }),
    });
    try {
      const repository = make({ CALENDAR_FEED_ALLOW_LOOPBACK: true });
      await expect(repository.fetch(`${server.base}/ok`)).resolves.toBe('BEGIN:VCALENDAR');
      await expect(repository.fetch(`${server.base}/to-metadata`)).rejects.toThrow(
        '169.254.169.254 is a forbidden address',
      );
      await expect(repository.fetch(`${server.base}/to-private`)).rejects.toThrow(
        '10.0.0.1 is a forbidden address',
      );
      await expect(repository.fetch(`${server.base}/to-mapped-loopback`)).rejects.toThrow(
        'forbidden address',
      );
      await expect(repository.fetch(`${server.base}/to-any`)).rejects.toThrow(
        '0.0.0.0 is a forbidden address',
      );
      await expect(repository.fetch(`${server.base}/to-gopher`)).rejects.toThrow('only http and https');
      await expect(repository.fetch(`${server.base}/loop`)).rejects.toThrow('more than 5 redirects');
      // Without the flag, a redirect to a loopback name is refused after DNS resolution as well.
      await expect(make().fetch(`${server.base}/to-localhost-name`)).rejects.toThrow('forbidden address');
    } finally {
      await server.close();
    }
  });

  it('stops at the size limit and at the timeout', async () => {
    const server = await fakeFeedServer({
      '/big': () => ({ status: 200, body: 'x'.repeat(5_000) }),
    });
    const slow = createServer(() => undefined);
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const repository = make({ CALENDAR_FEED_ALLOW_LOOPBACK: true, CALENDAR_FEED_TIMEOUT_MS: 300 });
      await expect(repository.fetch(`${server.base}/big`)).rejects.toThrow('larger than 1000 bytes');
      const started = Date.now();
      await expect(
        repository.fetch(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/feed.ics`),
      ).rejects.toThrow('no answer within 300 ms');
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
      await server.close();
    }
  });
});
